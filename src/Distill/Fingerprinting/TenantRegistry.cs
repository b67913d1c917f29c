using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Distill.Fingerprinting;

/// <summary>
/// The tenants a provider has issued fingerprints to: the candidates of tracing, and the count that
/// its p-values are corrected for. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The file format is UTF-8 text with one tenant per line, written as <see cref="TenantId.Parse"/>
/// reads it (a name, a decimal number, or <c>0x</c> and hexadecimal digits); blank lines and lines
/// starting with <c>#</c> are ignored. Names are kept for display; nothing secret is stored.
/// </remarks>
public sealed class TenantRegistry
{
    private readonly TenantId[] _tenants;
    private readonly HashSet<ulong> _members;
    private readonly Dictionary<ulong, string> _names;

    /// <summary>Creates a registry of tenants given by number.</summary>
    /// <param name="tenants">The tenants; at least one, no duplicates.</param>
    /// <exception cref="ArgumentException">The list is empty or holds a tenant twice.</exception>
    public TenantRegistry(IEnumerable<TenantId> tenants)
        : this(Pairs(tenants), null)
    {
    }

    private TenantRegistry(IEnumerable<(TenantId Tenant, string? Name)> entries, string? source)
    {
        var tenants = new List<TenantId>();
        _members = [];
        _names = [];
        foreach ((TenantId tenant, string? name) in entries)
        {
            if (!_members.Add(tenant.Value))
            {
                string what = name is null ? $"Tenant {tenant}" : $"Tenant '{name}' ({tenant})";
                throw source is null
                    ? new ArgumentException($"{what} is listed twice.", nameof(entries))
                    : new InvalidDataException($"{source}: {what} is listed twice.");
            }

            tenants.Add(tenant);
            if (name is not null)
            {
                _names[tenant.Value] = name;
            }
        }

        if (tenants.Count == 0)
        {
            throw source is null
                ? new ArgumentException("A registry needs at least one tenant.", nameof(entries))
                : new InvalidDataException($"{source}: the registry lists no tenant.");
        }

        _tenants = [.. tenants];
    }

    /// <summary>Gets the number of tenants.</summary>
    public int Count => _tenants.Length;

    /// <summary>Gets the tenants in the order given.</summary>
    public IReadOnlyList<TenantId> Tenants => _tenants;

    /// <summary>Creates a registry of tenants given as text (names or numbers, see <see cref="TenantId.Parse"/>).</summary>
    /// <param name="names">The tenants; at least one, no duplicates.</param>
    /// <returns>The registry, which remembers the names.</returns>
    /// <exception cref="ArgumentException">The list is empty, holds a tenant twice, or an entry is empty.</exception>
    public static TenantRegistry FromNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new TenantRegistry(Named(names), null);
    }

    /// <summary>Reads a registry file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="InvalidDataException">The file lists no tenant or a tenant twice.</exception>
    public static TenantRegistry Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    /// <summary>Reads a registry in the file format.</summary>
    /// <param name="reader">The text.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="InvalidDataException">The text lists no tenant or a tenant twice.</exception>
    public static TenantRegistry Read(TextReader reader) => Read(reader, "registry");

    /// <summary>Writes the registry in the file format (names where known, else numbers).</summary>
    /// <param name="writer">The destination.</param>
    public void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("# distill tenant registry: one tenant per line (a name, a number, or 0x and hex digits)");
        foreach (TenantId tenant in _tenants)
        {
            // A name that reads as a number would come back as another tenant: write its number instead.
            string text = _names.TryGetValue(tenant.Value, out string? name) && TenantId.Parse(name) == tenant && !name.StartsWith('#')
                ? name
                : tenant.ToString();
            writer.WriteLine(text);
        }
    }

    /// <summary>Writes the registry to a file.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(writer);
    }

    /// <summary>Returns whether the tenant is registered.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool Contains(TenantId tenant) => _members.Contains(tenant.Value);

    /// <summary>Gets the name a tenant was registered under, or its number.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The name or the decimal number.</returns>
    public string NameOf(TenantId tenant) => _names.TryGetValue(tenant.Value, out string? name) ? name : tenant.ToString();

    private static TenantRegistry Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entries = new List<(TenantId, string?)>();
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            string text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{source}, line {number.ToString(CultureInfo.InvariantCulture)}: the line holds a NUL character (not a text file?).");
            }

            try
            {
                entries.Add((TenantId.Parse(text), text));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{source}, line {number.ToString(CultureInfo.InvariantCulture)}: {e.Message}", e);
            }
        }

        return new TenantRegistry(entries, source);
    }

    private static IEnumerable<(TenantId, string?)> Pairs(IEnumerable<TenantId> tenants)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        foreach (TenantId tenant in tenants)
        {
            yield return (tenant, null);
        }
    }

    private static IEnumerable<(TenantId, string?)> Named(IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            yield return (TenantId.Parse(name), name.Trim());
        }
    }
}
