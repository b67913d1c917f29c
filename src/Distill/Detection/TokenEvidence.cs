using System;

namespace Distill.Detection;

/// <summary>
/// What detection made of each token of one stream, beside the whole-stream result: the evidence an
/// analyst looks at (the report of <c>distill detect --report</c>).
/// </summary>
/// <remarks>
/// Produced by <see cref="WatermarkScheme.ScoreEachToken"/> from the very code its
/// <see cref="WatermarkScheme.Detect"/> runs, so the per-token kinds add up to the result's counts:
/// as many <see cref="TokenScore.Green"/> tokens as <see cref="DetectionResult.GreenTokens"/> for the
/// green-list schemes, and as many <see cref="TokenScore.Green"/>, <see cref="TokenScore.Red"/> and
/// <see cref="TokenScore.Scored"/> tokens together as <see cref="DetectionResult.ScoredTokens"/>.
/// </remarks>
internal sealed class TokenEvidence
{
    internal TokenEvidence(DetectionResult result, TokenScore[] kinds, double[]? values, double nullMean, string? valueName)
    {
        Result = result;
        Kinds = kinds;
        Values = values;
        NullMean = nullMean;
        ValueName = valueName;
    }

    /// <summary>Gets the whole-stream result, the same as <see cref="WatermarkScheme.Detect"/> returns.</summary>
    public DetectionResult Result { get; }

    /// <summary>Gets one kind per token: green, red or scored, else why it was not scored.</summary>
    public TokenScore[] Kinds { get; }

    /// <summary>
    /// Gets each scored token's value for the score-based schemes (NaN for a token not scored, or one
    /// scored with no value of its own), or <see langword="null"/> for the green-list schemes.
    /// </summary>
    public double[]? Values { get; }

    /// <summary>Gets the mean of a token's value under the null hypothesis (no watermark); gamma, the share of green tokens, for the green-list schemes.</summary>
    public double NullMean { get; }

    /// <summary>Gets what a token's value is, for people (for example "-ln(1 - r)"); <see langword="null"/> for the green-list schemes.</summary>
    public string? ValueName { get; }

    /// <summary>The evidence of a green-list scheme, whose scoring wrote a kind per token.</summary>
    internal static TokenEvidence FromKinds(DetectionResult result, TokenScore[] kinds) => new(result, kinds, null, result.Gamma, null);

    /// <summary>
    /// The evidence of a score-based scheme from its per-token values (NaN where not scored): the
    /// not-scored tokens among the result's leading <see cref="DetectionResult.SkippedPrefix"/> are the
    /// prefix, the others repeated (deduplicated or masked).
    /// </summary>
    internal static TokenEvidence FromValues(DetectionResult result, double[] values, double nullMean, string valueName)
    {
        var kinds = new TokenScore[values.Length];
        long prefix = result.SkippedPrefix;
        for (int i = 0; i < values.Length; i++)
        {
            kinds[i] = !double.IsNaN(values[i]) ? TokenScore.Scored : i < prefix ? TokenScore.Prefix : TokenScore.Repeated;
        }

        return new TokenEvidence(result, kinds, values, nullMean, valueName);
    }

    /// <summary>A value buffer for <paramref name="length"/> tokens, NaN (not scored) until written.</summary>
    internal static double[] NaNs(int length)
    {
        var values = new double[length];
        Array.Fill(values, double.NaN);
        return values;
    }
}
