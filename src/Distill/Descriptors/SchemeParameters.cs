using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO.Hashing;
using System.Linq;
using System.Text.Json.Serialization;

namespace Distill;

/// <summary>
/// The parameters of a scheme added through the scheme registry: names and values as invariant
/// strings, kept in ordinal order of the names, so that JSON and hash are canonical. Immutable, with
/// value equality.
/// </summary>
/// <remarks>
/// The hash block (after the reference filter's, only when present) is the string
/// <c>parameters/v1</c>, the count as an int32, then each name and value as strings (UTF-8 byte count
/// and bytes), names in ordinal order; see <c>docs/descriptor.md</c>.
/// </remarks>
[JsonConverter(typeof(SchemeParametersJsonConverter))]
internal sealed class SchemeParameters : IEquatable<SchemeParameters>
{
    private readonly KeyValuePair<string, string>[] _entries;

    /// <summary>Creates the block.</summary>
    /// <param name="values">Names (non-empty, distinct) and their values.</param>
    /// <exception cref="ArgumentException">An empty or repeated name, or a <see langword="null"/> value.</exception>
    public SchemeParameters(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _entries = [.. values.OrderBy(e => e.Key, StringComparer.Ordinal)];
        for (int i = 0; i < _entries.Length; i++)
        {
            if (string.IsNullOrEmpty(_entries[i].Key) || _entries[i].Value is null || (i > 0 && _entries[i].Key == _entries[i - 1].Key))
            {
                throw new ArgumentException($"The scheme parameter '{_entries[i].Key}' is unnamed, has no value, or is given twice.", nameof(values));
            }
        }
    }

    /// <summary>Gets the entries, names in ordinal order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>Gets a value by name, or <see langword="null"/>.</summary>
    /// <param name="name">The parameter's name.</param>
    public string? this[string name] => _entries.FirstOrDefault(e => e.Key == name).Value;

    /// <summary>Formats a number so that it reads back to the same double.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats an integer.</summary>
    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a number.</summary>
    /// <exception cref="ArgumentException">The parameter is missing or not a finite number.</exception>
    public double GetDouble(string name) =>
        this[name] is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"The scheme parameter '{name}' is missing or not a number.", nameof(name));

    /// <summary>Reads an integer.</summary>
    /// <exception cref="ArgumentException">The parameter is missing or not an integer.</exception>
    public int GetInt32(string name) =>
        this[name] is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"The scheme parameter '{name}' is missing or not an integer.", nameof(name));

    /// <inheritdoc />
    public bool Equals(SchemeParameters? other) => other is not null && _entries.SequenceEqual(other._entries);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SchemeParameters);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (KeyValuePair<string, string> entry in _entries)
        {
            h.Add(entry.Key, StringComparer.Ordinal);
            h.Add(entry.Value, StringComparer.Ordinal);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _entries.Select(e => $"{e.Key}={e.Value}"));

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "parameters/v1");
        SchemeDescriptor.AppendInt(hash, _entries.Length);
        foreach (KeyValuePair<string, string> entry in _entries)
        {
            SchemeDescriptor.AppendString(hash, entry.Key);
            SchemeDescriptor.AppendString(hash, entry.Value);
        }
    }
}
