using System;
using System.Collections.Generic;
using System.Linq;
using Distill.GreenList;
using Distill.Unigram;

namespace Distill.Evaluation.Runner;

/// <summary>The schemes <see cref="EvaluationRunner"/> evaluates by default, each with its default parameters.</summary>
public static class EvaluationSchemes
{
    /// <summary>Gets every scheme: <c>kgw</c> (SelfHash h=4), <c>kgw-lefthash</c> (LeftHash h=1) and <c>unigram</c>.</summary>
    public static IReadOnlyList<EvaluationScheme> All { get; } =
    [
        new("kgw", (key, vocabularySize, tokenizer) => KgwScheme.Create(key, KgwOptions.Default, vocabularySize, tokenizer))
        {
            Description = "KGW, SelfHash h=4, gamma 0.25, delta 2",
        },
        new("kgw-lefthash", (key, vocabularySize, tokenizer) => KgwScheme.Create(key, KgwOptions.LeftHash, vocabularySize, tokenizer))
        {
            Description = "KGW, LeftHash h=1, gamma 0.25, delta 2",
        },
        new("unigram", (key, vocabularySize, tokenizer) => UnigramScheme.Create(key, UnigramOptions.Default, vocabularySize, tokenizer))
        {
            Description = "Unigram, gamma 0.5, delta 2",
        },
    ];

    /// <summary>Finds schemes by name.</summary>
    /// <param name="names">Names from <see cref="All"/>.</param>
    /// <returns>The schemes, in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public static IReadOnlyList<EvaluationScheme> Select(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return [.. names.Select(name => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown scheme '{name}'. Schemes: {string.Join(", ", All.Select(s => s.Name))}.", nameof(names)))];
    }
}
