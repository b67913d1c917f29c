using System.Globalization;
using Distill.Prf;
using Distill.Registry;

namespace Distill.GreenList;

/// <summary>The registry entry of <see cref="KgwScheme"/>.</summary>
internal static class KgwRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [KgwScheme.SchemeName],
        Version = KgwScheme.Version,
        PrfVersion = PrfV1.Version,
        SupportsReference = true,
        Options = d => d.Kgw,

        // The first block of every descriptor: KGW's, or a null marker (descriptors of release 0.1's first scheme).
        AppendHash = (d, hash) =>
        {
            if (d.Kgw is { } kgw)
            {
                kgw.AppendHash(hash);
            }
            else
            {
                SchemeDescriptor.AppendString(hash, null);
            }
        },
        Describe = d => Describe(d.Kgw!),
        Create = KgwScheme.FromDescriptor,
        Keygen =
        [
            new()
            {
                Scheme = KgwScheme.SchemeName,
                Options =
                [
                    new("gamma", "G", "the green share of the vocabulary (default 0.25)"),
                    new("delta", "D", "the bias added to green logits (default 2)"),
                    new("seeding", "selfhash|lefthash", "how the context seeds the green list (default selfhash)"),
                    new("context-width", "H", "the context tokens hashed (default 4 for SelfHash, 1 for LeftHash)"),
                    new("self-hash-candidates", "K", "the candidates SelfHash tries per step (default 40)"),
                ],
                Create = (a, key, vocabularySize, tokenizer) => (key, KgwScheme.Create(key, ReadOptions(a), vocabularySize, tokenizer)),
            },
        ],
    };

    /// <summary>The parameters in one line: <c>selfhash h=4, gamma=0.25, delta=2</c>.</summary>
    internal static string Describe(KgwOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"{o.Seeding.ToString().ToLowerInvariant()} h={o.ContextWidth}, gamma={o.Gamma}, delta={o.Delta}");

    private static KgwOptions ReadOptions(ISchemeArguments a)
    {
        KgwSeeding seeding = a.GetSeeding("seeding", KgwSeeding.SelfHash);
        var options = new KgwOptions
        {
            Gamma = a.GetDouble("gamma", KgwOptions.Default.Gamma),
            Delta = a.GetDouble("delta", KgwOptions.Default.Delta),
            Seeding = seeding,
            ContextWidth = a.GetInt("context-width", seeding == KgwSeeding.SelfHash ? 4 : 1),
            SelfHashCandidates = a.GetInt("self-hash-candidates", KgwOptions.Default.SelfHashCandidates),
        };
        options.Validate();
        return options;
    }
}
