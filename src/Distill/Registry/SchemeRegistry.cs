using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO.Hashing;
using System.Linq;
using Distill.Reference;

namespace Distill.Registry;

/// <summary>
/// The table of schemes: profile loading (<see cref="WatermarkProfile.CreateScheme(IReadOnlyList{ReferenceCorpus})"/>),
/// descriptor hashing, <c>distill keygen</c>, <c>distill detect</c> and the evaluation runner read it.
/// </summary>
/// <remarks>
/// Adding a scheme is one folder and one line in <see cref="BuiltIn"/> (see <c>docs/architecture.md</c>).
/// <see cref="Register"/> adds a scheme at run time (tests); lookups are by name, so a registration
/// with its own name is seen by no other scheme's code.
/// </remarks>
internal static class SchemeRegistry
{
    private static readonly object s_lock = new();
    private static ImmutableArray<SchemeRegistration> s_all = Validated(
    [
        // The order is the order of the typed blocks in the descriptor hash: never reorder these nine.
        GreenList.KgwRegistration.Registration,
        Unigram.UnigramRegistration.Registration,
        Gumbel.GumbelRegistration.Registration,
        SynthId.SynthIdRegistration.Registration,
        ExpEdit.ExpEditRegistration.Registration,
        Fingerprinting.FingerprintRegistration.Registration,
        Interop.VllmRegistration.Registration,
        Interop.HfKgwRegistration.Registration,
        Interop.HfSynthIdRegistration.Registration,
    ]);

    /// <summary>Gets the schemes of this release, in the order of their blocks in the descriptor hash.</summary>
    public static ImmutableArray<SchemeRegistration> BuiltIn { get; } = s_all;

    /// <summary>Gets every registered scheme: <see cref="BuiltIn"/>, then those added by <see cref="Register"/>.</summary>
    public static ImmutableArray<SchemeRegistration> All => s_all;

    /// <summary>Returns the scheme registered under <paramref name="name"/> (any of its names), or <see langword="null"/>.</summary>
    /// <param name="name">A scheme name, as in <see cref="SchemeDescriptor.Scheme"/>.</param>
    /// <returns>The registration.</returns>
    public static SchemeRegistration? Find(string? name)
    {
        foreach (SchemeRegistration registration in s_all)
        {
            foreach (string n in registration.Names)
            {
                if (string.Equals(n, name, StringComparison.Ordinal))
                {
                    return registration;
                }
            }
        }

        return null;
    }

    /// <summary>Returns the keygen entry for <paramref name="name"/>, or <see langword="null"/> when keygen does not offer it.</summary>
    /// <param name="name">The name given to <c>--scheme</c>.</param>
    /// <returns>The entry.</returns>
    public static SchemeKeygen? FindKeygen(string name) =>
        s_all.SelectMany(r => r.Keygen).FirstOrDefault(k => string.Equals(k.Scheme, name, StringComparison.Ordinal));

    /// <summary>Adds a scheme at run time; its parameters must live in <see cref="SchemeDescriptor.Parameters"/>.</summary>
    /// <param name="registration">The registration.</param>
    /// <exception cref="ArgumentException">A name is taken, or the registration writes a typed hash block.</exception>
    public static void Register(SchemeRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration.AppendHash is not null)
        {
            throw new ArgumentException($"Scheme '{registration.Name}' writes a typed hash block; schemes added after release 0.1 carry their parameters in SchemeDescriptor.Parameters.", nameof(registration));
        }

        lock (s_lock)
        {
            s_all = Validated([.. s_all, registration]);
        }
    }

    /// <summary>Creates the scheme a descriptor describes (see <see cref="WatermarkProfile.CreateScheme(IReadOnlyList{ReferenceCorpus})"/>).</summary>
    /// <exception cref="NotSupportedException">An unknown scheme, or a reference filter on a scheme without green lists.</exception>
    public static WatermarkScheme CreateScheme(SchemeDescriptor descriptor, WatermarkKey key, IReadOnlyList<ReferenceCorpus>? references)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        SchemeRegistration? registration = Find(descriptor.Scheme);
        if (descriptor.Reference is not null && registration is not { SupportsReference: true })
        {
            throw new NotSupportedException($"Scheme '{descriptor.Scheme}' has no green lists, so its descriptor cannot name a reference filter.");
        }

        return registration is null
            ? throw new NotSupportedException($"Scheme '{descriptor.Scheme}' is not supported by this release of Distill.")
            : registration.Create(descriptor, key, references);
    }

    /// <summary>Appends every typed block present in <paramref name="descriptor"/>, in the order of <see cref="BuiltIn"/>.</summary>
    internal static void AppendTypedBlocks(SchemeDescriptor descriptor, XxHash64 hash)
    {
        foreach (SchemeRegistration registration in BuiltIn)
        {
            registration.AppendHash?.Invoke(descriptor, hash);
        }
    }

    /// <summary>The names of the registered green-list schemes, for messages (<c>kgw, unigram, kgw-fingerprint and hf-kgw</c>).</summary>
    internal static IEnumerable<string> GreenListNames => s_all.Where(r => r.SupportsReference).SelectMany(r => r.Names);

    private static ImmutableArray<SchemeRegistration> Validated(ImmutableArray<SchemeRegistration> registrations)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SchemeRegistration registration in registrations)
        {
            if (registration.Names.Count == 0)
            {
                throw new ArgumentException("A scheme registration needs at least one name.", nameof(registrations));
            }

            foreach (string name in registration.Names)
            {
                if (string.IsNullOrWhiteSpace(name) || !names.Add(name))
                {
                    throw new ArgumentException($"The scheme name '{name}' is empty or registered twice.", nameof(registrations));
                }
            }

            if (registration.Keygen.FirstOrDefault(k => !registration.Names.Contains(k.Scheme)) is { } stray)
            {
                throw new ArgumentException($"Keygen's scheme '{stray.Scheme}' is not a name of scheme '{registration.Name}'.", nameof(registrations));
            }
        }

        return registrations;
    }
}
