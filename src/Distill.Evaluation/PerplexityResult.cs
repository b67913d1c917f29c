using System;
using System.Globalization;

namespace Distill.Evaluation;

/// <summary>The perplexity of a language model on some token sequences (see <see cref="KneserNeyModel.ComputePerplexity"/>).</summary>
/// <remarks>
/// Tokens the model gives probability zero (ids never seen in training) are counted in
/// <see cref="ZeroProbabilityTokenCount"/> and left out of the average, as SRILM does with
/// out-of-vocabulary words; compare models only on the same sequences with the same training vocabulary.
/// </remarks>
public sealed class PerplexityResult
{
    internal PerplexityResult(long scoredTokenCount, long zeroProbabilityTokenCount, double logProbabilitySum)
    {
        ScoredTokenCount = scoredTokenCount;
        ZeroProbabilityTokenCount = zeroProbabilityTokenCount;
        LogProbabilitySum = logProbabilitySum;
    }

    /// <summary>Gets the number of tokens with positive probability, which the perplexity averages over.</summary>
    public long ScoredTokenCount { get; }

    /// <summary>Gets the number of tokens left out because the model gives them probability zero.</summary>
    public long ZeroProbabilityTokenCount { get; }

    /// <summary>Gets the sum of the scored tokens' natural-log probabilities.</summary>
    public double LogProbabilitySum { get; }

    /// <summary>Gets the cross-entropy in nats per scored token: <c>-LogProbabilitySum / ScoredTokenCount</c>.</summary>
    public double CrossEntropy => ScoredTokenCount == 0 ? double.NaN : -LogProbabilitySum / ScoredTokenCount;

    /// <summary>Gets the perplexity: <c>exp(CrossEntropy)</c>.</summary>
    public double Perplexity => Math.Exp(CrossEntropy);

    /// <summary>Returns the perplexity and counts, for diagnostics.</summary>
    /// <returns>A string such as <c>perplexity 123.4 over 1000 tokens (5 with probability zero)</c>.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"perplexity {Perplexity:F2} over {ScoredTokenCount} tokens ({ZeroProbabilityTokenCount} with probability zero)");
}
