using System;
using System.Collections.Generic;
using System.Linq;
using Distill.ExpEdit;
using Distill.Registry;

namespace Distill.Evaluation.Runner;

/// <summary>The schemes <see cref="EvaluationRunner"/> evaluates by default, each with its default parameters.</summary>
public static class EvaluationSchemes
{
    private static readonly ExpEditDetectionOptions s_oneThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly ExpEditDetectionOptions s_closedForm = new() { Test = ExpEditTest.GammaBound };

    /// <summary>
    /// Gets every scheme: <c>kgw</c> (SelfHash h=4), <c>kgw-lefthash</c> (LeftHash h=1), <c>unigram</c>, <c>gumbel</c>, <c>synthid</c>,
    /// <c>exp-edit-gamma</c> (EXP-edit detected by its closed-form test) and <c>exp-edit</c> (by its permutation test), each with its defaults.
    /// </summary>
    public static IReadOnlyList<EvaluationScheme> All { get; } =
    [
        FromRegistry("kgw", "KGW, SelfHash h=4, gamma 0.25, delta 2"),
        FromRegistry("kgw-lefthash", "KGW, LeftHash h=1, gamma 0.25, delta 2", "kgw", ("seeding", "lefthash")),
        FromRegistry("unigram", "Unigram, gamma 0.5, delta 2"),
        FromRegistry("gumbel", "Gumbel-max, context width 4, one variant"),
        FromRegistry("synthid", "SynthID-Text, depth 30, context width 4, top-k 40, mean g-value detector"),
        FromRegistry("exp-edit-gamma", "EXP-edit, key length 256, block length 256, closed-form test (Gamma tail, Bonferroni over blocks and shifts)", "exp-edit") with
        {
            Detect = (scheme, tokens) => ((ExpEditScheme)scheme).Detect(tokens.Span, null, s_closedForm).Result,
        },
        FromRegistry("exp-edit", "EXP-edit, key length 256, block length 256, 999 resamples (p-value floor 1e-3)") with
        {
            // The permutation test runs its resamples on every core; the runner parallelizes over texts instead.
            Detect = (scheme, tokens) => ((ExpEditScheme)scheme).Detect(tokens.Span, null, s_oneThread).Result,
        },
    ];

    /// <summary>
    /// Gets the schemes a run evaluates unless told otherwise: <see cref="All"/> but <c>exp-edit</c>,
    /// whose permutation test (999 resamples of a block alignment) takes over a minute per 400-token
    /// text on one core; evaluate it on its own with <c>--max-tokens 200</c>. The same scheme with its
    /// closed-form test, <c>exp-edit-gamma</c>, is included.
    /// </summary>
    public static IReadOnlyList<EvaluationScheme> Default { get; } = [.. All.Where(s => s.Name != "exp-edit")];

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

    /// <summary>A scheme built as <c>distill keygen --scheme SCHEME</c> builds it, with the given options (the defaults for the rest).</summary>
    private static EvaluationScheme FromRegistry(string name, string description, string? scheme = null, params (string Name, string? Value)[] options)
    {
        SchemeKeygen keygen = SchemeRegistry.FindKeygen(scheme ?? name) ?? throw new InvalidOperationException($"Scheme '{scheme ?? name}' is not registered for keygen.");
        var arguments = new SchemeArguments(options.Select(o => new KeyValuePair<string, string?>(o.Name, o.Value)));
        return new(name, (key, vocabularySize, tokenizer) => keygen.Create(arguments, key, vocabularySize, tokenizer).Scheme) { Description = description };
    }
}
