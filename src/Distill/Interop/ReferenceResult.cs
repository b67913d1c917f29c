namespace Distill.Interop;

/// <summary>
/// What another stack's own detector reports on one token sequence, computed as that reference
/// computes it: vLLM's Gumbel detector, transformers' KGW <c>WatermarkDetector</c>, SynthID-Text's mean
/// score. These are the reference's figures, approximations included, reported beside Distill's
/// p-value for comparison; Distill's valid p-value is the scheme's <see cref="WatermarkScheme.Detect"/>.
/// </summary>
/// <remarks>
/// Each reference reports what it computes and nothing else: <see cref="ZScore"/> only transformers'
/// KGW detector, a p-value and a verdict vLLM's and transformers' (not SynthID-Text's mean score).
/// <see cref="Intended"/> holds transformers' figures under the deduplication it meant to apply.
/// </remarks>
public sealed class ReferenceResult
{
    internal ReferenceResult(string implementation, double score, int scoredCount, double? zScore, double? pValue, double? log10PValue, bool? isWatermarked, ReferenceResult? intended = null)
    {
        Implementation = implementation;
        Score = score;
        ScoredCount = scoredCount;
        ZScore = zScore;
        PValue = pValue;
        Log10PValue = log10PValue;
        IsWatermarked = isWatermarked;
        Intended = intended;
    }

    /// <summary>Gets the name of the reference implementation: <c>vLLM</c>, <c>transformers</c> or <c>SynthID-Text (mean score)</c>.</summary>
    public string Implementation { get; }

    /// <summary>
    /// Gets the reference's score: vLLM's sum of the scored tokens' -ln(1 - u) (fused for the dual key);
    /// transformers' green count (<c>num_green_tokens</c>); SynthID-Text's mean g-value over the unmasked
    /// n-grams and all layers (NaN when none).
    /// </summary>
    public double Score { get; }

    /// <summary>
    /// Gets the number of positions the reference scored: vLLM's <c>num_scored_tokens</c>, transformers'
    /// <c>num_tokens_scored</c> (every n-gram, repeated ones included), SynthID-Text's unmasked n-grams.
    /// </summary>
    public int ScoredCount { get; }

    /// <summary>Gets the reference's z-score, where it computes one (transformers: <c>(G - gamma T) / sqrt(T gamma (1 - gamma))</c> with the nominal gamma, 0 when nothing was scored).</summary>
    public double? ZScore { get; }

    /// <summary>
    /// Gets the reference's p-value, where it computes one: vLLM's (the dual key's is a moment-matched
    /// approximation, not a guarantee); transformers' <c>1 - 0.5 (1 + sign(z) (1 - exp(-2 z^2 / pi)))</c>,
    /// a rough approximation, not a valid p-value.
    /// </summary>
    public double? PValue { get; }

    /// <summary>Gets the base-10 logarithm of <see cref="PValue"/> (vLLM computes it in log space; transformers' is floored at the smallest positive double where its p-value rounds to 0).</summary>
    public double? Log10PValue { get; }

    /// <summary>Gets the reference's own verdict, where it gives one: vLLM's p &lt;= 0.01; transformers' z &gt; 3.</summary>
    public bool? IsWatermarked { get; }

    /// <summary>
    /// Gets the figures of what the reference meant to compute where its implementation differs:
    /// transformers' KGW detector with true tuple deduplication when <c>ignore_repeated_ngrams</c> was set
    /// (its own counter never deduplicates; without the flag, the same figures as this result).
    /// <see langword="null"/> for the other references.
    /// </summary>
    public ReferenceResult? Intended { get; }
}
