using System;
using System.Collections.Generic;

namespace Distill.Registry;

/// <summary>Option values from a dictionary (a flag is a name with a <see langword="null"/> value): keygen's options outside the command line.</summary>
internal sealed class SchemeArguments : ISchemeArguments
{
    private readonly Dictionary<string, string?> _values;

    /// <summary>Creates the arguments.</summary>
    /// <param name="values">Option names without dashes, each with its value (<see langword="null"/> for a flag).</param>
    public SchemeArguments(IEnumerable<KeyValuePair<string, string?>> values) => _values = new(values, StringComparer.Ordinal);

    /// <summary>Gets no options at all: every scheme's defaults.</summary>
    public static SchemeArguments None { get; } = new([]);

    /// <inheritdoc />
    public bool Has(string name) => _values.ContainsKey(name);

    /// <inheritdoc />
    public string? Get(string name) => _values.GetValueOrDefault(name);
}
