using System;

namespace Distill.Evaluation.Runner;

/// <summary>A scheme the evaluation runner can build for any key: a short name and a factory.</summary>
/// <param name="Name">The name used on the command line and in file names (lower case, no spaces), for example <c>kgw</c>.</param>
/// <param name="Create">Builds the scheme from a key, the vocabulary size and the tokenizer's name.</param>
public sealed record EvaluationScheme(string Name, Func<WatermarkKey, int, string, WatermarkScheme> Create)
{
    /// <summary>Gets the parameters in words, for the tables (for example <c>SelfHash h=4, gamma 0.25, delta 2</c>).</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// Gets the detector the runner uses, or <see langword="null"/> (the default) for
    /// <see cref="WatermarkScheme.Detect"/>. Set it to choose another statistic or to keep a
    /// detector that parallelizes internally on one thread (the runner already uses every core).
    /// </summary>
    public Func<WatermarkScheme, ReadOnlyMemory<int>, Detection.DetectionResult>? Detect { get; init; }
}
