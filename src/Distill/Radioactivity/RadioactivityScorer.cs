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
}
