using System;
using Distill.Detection;

namespace Distill.Radioactivity;

/// <summary>
/// What the radioactivity tests need from a scheme: for a candidate token after a context, the
/// deduplication seed (a pair (seed, token) always has the same value, and distinct pairs have
/// independent values under the null hypothesis) and the token's value, a non-negative integer whose
/// null distribution is the scheme's (a green indicator, a count of g-values, a fixed-point Exp(1)
/// sum), and the exact test of a sum of values over distinct pairs.
/// </summary>
internal abstract class RadioactivityScorer
{
    protected RadioactivityScorer(SchemeDescriptor descriptor, int prefixLength)
    {
        Descriptor = descriptor;
        PrefixLength = prefixLength;
    }

    public SchemeDescriptor Descriptor { get; }

    public int VocabularySize => Descriptor.VocabularySize;

    /// <summary>Gets how many tokens before a candidate its seed depends on (0: none, as in Unigram).</summary>
    public int PrefixLength { get; }

    public abstract DetectionStatistic Statistic { get; }

    /// <summary>
    /// Gets whether, in the supervised setting, a token that repeats one of its context's tokens must
    /// not be scored: true for SelfHash, whose seed does not change when the window shifts onto a
    /// repeated token, so that such a pair can be one our watermark chose inside a filtered context.
    /// </summary>
    public virtual bool FilterSkipsRepeatedCandidates => false;

    /// <summary>Gets whether the values are green indicators (the result then reports green tokens).</summary>
    public virtual bool CountsGreen => false;

    /// <summary>
    /// For every position i from <see cref="PrefixLength"/> to the end of <paramref name="text"/>, scores
    /// the candidate <paramref name="candidates"/>[i] after the context <paramref name="text"/>[..i]:
    /// writes its deduplication seed to <paramref name="seeds"/>[i] and its value to
    /// <paramref name="values"/>[i]. Tokens are already validated; the earlier positions are left alone.
    /// </summary>
    public abstract void Score(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, Span<ulong> seeds, Span<ulong> values);

    /// <summary>The statistic's value, z-score and log10 p-value for the sum of the values of <paramref name="scored"/> distinct pairs.</summary>
    public abstract (double Score, double ZScore, double Log10PValue) Test(long scored, UInt128 sum);

    /// <summary>
    /// An anytime-valid log10 p-value for the same sum: 1 / E, capped at 1, with E a mixture
    /// likelihood ratio that is a nonnegative supermartingale under the null hypothesis whenever each
    /// value, given everything before it, is at most as large as the null distribution says. By
    /// Ville's inequality it stays valid when which tokens are scored, and how many, depends on the
    /// values already seen (the open-model test); the price is about (1/2) log10 of the count.
    /// </summary>
    public abstract double AnytimeLog10PValue(long scored, UInt128 sum);

    /// <summary>
    /// The Bernoulli mixture: E = integral over q uniform on [gamma, 1] of (q/gamma)^S ((1-q)/(1-gamma))^(N-S),
    /// which is P[Binomial(N+1, gamma) &lt;= S] / ((1 - gamma) (N + 1) P[Binomial(N, gamma) = S]).
    /// </summary>
    protected static double BernoulliAnytimeLog10PValue(long successes, long trials, double gamma)
    {
        if (trials <= 0)
        {
            return 0.0;
        }

        double logE = Statistics.Binomial.LogLowerTail(successes, trials + 1, gamma) - Math.Log(1.0 - gamma) - Math.Log(trials + 1.0)
            - Statistics.Binomial.LogProbability(successes, trials, gamma);
        return Math.Min(0.0, -logE / Math.Log(10.0));
    }
}
