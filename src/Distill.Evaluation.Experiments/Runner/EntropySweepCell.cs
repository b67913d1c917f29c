using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Runner;

/// <summary>One scheme (or plain sampling) at one sampling setting of an <see cref="EntropySweep"/>.</summary>
public sealed class EntropySweepCell
{
    internal EntropySweepCell(SamplingSetting setting, string scheme, double meanEntropy, IReadOnlyList<int?> sizes, int detected, double meanLog10PValue, double logProbabilitySum, long scored, long zero)
    {
        Setting = setting;
        Scheme = scheme;
        MeanEntropy = meanEntropy;
        Sizes = sizes;
        Detected = detected;
        MeanLog10PValue = meanLog10PValue;
        LogProbabilitySum = logProbabilitySum;
        ScoredTokens = scored;
        ZeroProbabilityTokens = zero;
    }

    /// <summary>Gets the sampling setting.</summary>
    public SamplingSetting Setting { get; }

    /// <summary>Gets the scheme's name, or <c>plain</c> for sampling without a watermark.</summary>
    public string Scheme { get; }

    /// <summary>Gets the mean over generated tokens of the entropy (nats) of the distribution sampled from, after temperature and top-p, before the watermark.</summary>
    public double MeanEntropy { get; }

    /// <summary>Gets the generations' sizes (tokens to reach p &lt;= 1e-6), <see langword="null"/> where not reached; empty for plain sampling.</summary>
    public IReadOnlyList<int?> Sizes { get; }

    /// <summary>Gets the number of generations detected at p &lt;= 1e-6 on all their tokens.</summary>
    public int Detected { get; }

    /// <summary>Gets the mean log10 p-value on all tokens (0 for plain sampling).</summary>
    public double MeanLog10PValue { get; }

    /// <summary>Gets the sum of the generated tokens' natural-log probabilities under the independent model.</summary>
    public double LogProbabilitySum { get; }

    /// <summary>Gets the number of generated tokens the independent model scored (positive probability).</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the number of generated tokens the independent model gives probability zero (ids it never saw).</summary>
    public long ZeroProbabilityTokens { get; }

    /// <summary>Gets the perplexity of the generated text under the independent model, over the scored tokens.</summary>
    public double Perplexity => System.Math.Exp(-LogProbabilitySum / ScoredTokens);

    /// <summary>Gets the share of generations detected at p &lt;= 1e-6.</summary>
    public double Power => Sizes.Count == 0 ? 0 : (double)Detected / Sizes.Count;

    /// <summary>Gets the number of generations that never reached p &lt;= 1e-6 at any checked prefix.</summary>
    public int NotReached => Sizes.Count(s => s is null);

    /// <summary>Gets the median size (positive infinity when over half never reached the threshold).</summary>
    public double MedianSize => Sizes.Count == 0 ? double.NaN : DetectionSize.Quantile(Sizes, 0.5);

    /// <summary>Gets the 90% quantile of the size (positive infinity when over a tenth never reached it).</summary>
    public double Size90 => Sizes.Count == 0 ? double.NaN : DetectionSize.Quantile(Sizes, 0.9);
}
