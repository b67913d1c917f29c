namespace Distill.Interop;

/// <summary>
/// The figures of transformers' own <c>WatermarkDetector</c> on one sequence (as the reference computes
/// them, with its rough p-value), and beside them the figures of true tuple deduplication. These are
/// the reference's, reported for comparison; Distill's valid p-value is <see cref="WatermarkScheme.Detect"/>'s.
/// </summary>
public sealed class HfKgwReferenceResult
{
    internal HfKgwReferenceResult(int scoredNgrams, int greenCount, double zScore, double pValue, int intendedScoredNgrams, int intendedGreenCount, double intendedZScore)
    {
        ScoredNgrams = scoredNgrams;
        GreenCount = greenCount;
        ZScore = zScore;
        PValue = pValue;
        IntendedScoredNgrams = intendedScoredNgrams;
        IntendedGreenCount = intendedGreenCount;
        IntendedZScore = intendedZScore;
    }

    /// <summary>Gets the reference's <c>num_tokens_scored</c>: every n-gram, repeated ones included (its <c>ignore_repeated_ngrams</c> has no effect).</summary>
    public int ScoredNgrams { get; }

    /// <summary>Gets the reference's <c>num_green_tokens</c>.</summary>
    public int GreenCount { get; }

    /// <summary>Gets the reference's <c>green_fraction</c>: <see cref="GreenCount"/> / <see cref="ScoredNgrams"/> (0 when nothing was scored).</summary>
    public double GreenFraction => ScoredNgrams == 0 ? 0 : (double)GreenCount / ScoredNgrams;

    /// <summary>Gets the reference's <c>z_score</c>: <c>(G - gamma T) / sqrt(T gamma (1 - gamma))</c> with the nominal gamma (0 when nothing was scored).</summary>
    public double ZScore { get; }

    /// <summary>Gets the reference's <c>p_value</c>: <c>1 - 0.5 (1 + sign(z) (1 - exp(-2 z^2 / pi)))</c>, a rough approximation, not a valid p-value.</summary>
    public double PValue { get; }

    /// <summary>Gets the reference's <c>prediction</c>: z &gt; 3.</summary>
    public bool Watermarked => ZScore > HfKgwScheme.ReferenceZThreshold;

    /// <summary>Gets the number of n-grams scored with true tuple deduplication when <c>ignore_repeated_ngrams</c> was set (else <see cref="ScoredNgrams"/>).</summary>
    public int IntendedScoredNgrams { get; }

    /// <summary>Gets the green count with true tuple deduplication when <c>ignore_repeated_ngrams</c> was set.</summary>
    public int IntendedGreenCount { get; }

    /// <summary>Gets the z-score with true tuple deduplication when <c>ignore_repeated_ngrams</c> was set.</summary>
    public double IntendedZScore { get; }

    /// <summary>Gets the verdict z &gt; 3 with true tuple deduplication when <c>ignore_repeated_ngrams</c> was set.</summary>
    public bool IntendedWatermarked => IntendedZScore > HfKgwScheme.ReferenceZThreshold;
}
