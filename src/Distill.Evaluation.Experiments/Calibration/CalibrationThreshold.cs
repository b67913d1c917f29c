using System;
using System.Collections.Generic;
using System.Diagnostics;
using Distill.Statistics;

namespace Distill.Evaluation.Calibration;

/// <summary>
/// The p-value threshold to use, for one passage length under the deployed key, so that the
/// false-positive rate stays at or below a target: measured (certified by the passages' own
/// p-values) or extrapolated (the data cannot reach the target), and which.
/// </summary>
/// <remarks>
/// <para>
/// <b>Measured</b> (<see cref="IsExtrapolated"/> false): the bucket has at least
/// <see cref="PassagesNeeded"/> passages, the fewest for which zero false positives would put the
/// exact (Clopper-Pearson) upper bound of the rate at or below the target. The threshold is the
/// largest value t among the target itself and the bucket's passage log10 p-values not above
/// log10(target) such that the upper end of the two-sided Clopper-Pearson interval (at the run's
/// confidence) of the rate of passages with log10 p &lt;= t is at or below the target. Between two
/// consecutive passage p-values the count does not change, so the data cannot tell such thresholds
/// apart; the passage p-value itself is the conservative choice. When no passage p-value qualifies
/// (the first passages that must be excluded are the smallest ones), the threshold is the largest
/// double below the smallest passage p-value. It is never looser than the target: the nominal
/// level holds over random keys for any text, the measured one only for text like the calibration
/// text, and the threshold keeps both.
/// </para>
/// <para>
/// <b>Extrapolated</b> (<see cref="IsExtrapolated"/> true): the target divided by the bucket's
/// <see cref="CalibrationBucket.Inflation"/> (at least 1: the largest ratio, over the bucket's
/// measured cells, or every bucket's when it has none, of the upper bound of the rate at
/// p &lt;= alpha to alpha), and never looser than the same bucket's measured threshold for a larger
/// target. It is an assumption that the deep tail inflates no more than the measured levels, not a
/// measurement.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class CalibrationThreshold
{
    internal CalibrationThreshold(double target, double log10Threshold, bool isExtrapolated, int passages, int falsePositives, double confidence)
    {
        Target = target;
        Log10Threshold = log10Threshold;
        IsExtrapolated = isExtrapolated;
        Passages = passages;
        FalsePositives = falsePositives;
        Upper = passages > 0 ? Binomial.ConfidenceInterval(falsePositives, passages, confidence).Upper : 1.0;
        PassagesNeeded = NeededPassages(target, confidence);
    }

    /// <summary>Gets the target false-positive rate (one of <see cref="CalibrationOptions.Alphas"/>).</summary>
    public double Target { get; }

    /// <summary>Gets the base-10 logarithm of the threshold: a passage of this length is flagged when log10 p &lt;= this value.</summary>
    public double Log10Threshold { get; }

    /// <summary>Gets whether the threshold is extrapolated (too few passages to certify the target) rather than measured.</summary>
    public bool IsExtrapolated { get; }

    /// <summary>Gets the number of passages of the bucket.</summary>
    public int Passages { get; }

    /// <summary>Gets the number of passages with log10 p at or below <see cref="Log10Threshold"/>.</summary>
    public int FalsePositives { get; }

    /// <summary>
    /// Gets the upper end of the exact two-sided interval (at <see cref="CalibrationOptions.Confidence"/>)
    /// of the rate of <see cref="FalsePositives"/> among <see cref="Passages"/>; 1 without passages.
    /// At or below <see cref="Target"/> for a measured threshold.
    /// </summary>
    public double Upper { get; }

    /// <summary>
    /// Gets the fewest passages with which a threshold can be measured for <see cref="Target"/>: the
    /// smallest n for which zero false positives in n passages have an upper bound at or below the
    /// target (about 3.7 / target at 95%).
    /// </summary>
    public long PassagesNeeded { get; }

    // The upper end of the two-sided exact interval, as CalibrationRate reports it.
    internal static double UpperBound(int falsePositives, int passages, double confidence) =>
        Binomial.ConfidenceInterval(falsePositives, passages, confidence).Upper;

    // Whether zero false positives among the passages would certify the target.
    internal static bool IsCertifiable(int passages, double target, double confidence) =>
        passages > 0 && UpperBound(0, passages, confidence) <= target;

    internal static long NeededPassages(double target, double confidence)
    {
        // Zero in n has the closed-form upper bound 1 - ((1 - confidence) / 2)^(1 / n); the closed form
        // gives the count, which is then settled against the same bisection that certifies.
        double estimate = Math.Log((1.0 - confidence) / 2.0) / Math.Log(1.0 - target);
        long n = Math.Max(1L, (long)Math.Ceiling(estimate));
        if (n >= int.MaxValue)
        {
            return n;
        }

        while (Binomial.ConfidenceInterval(0, n, confidence).Upper > target)
        {
            n++;
        }

        while (n > 1 && Binomial.ConfidenceInterval(0, n - 1, confidence).Upper <= target)
        {
            n--;
        }

        return n;
    }

    // The number of values at or below t in an ascending array.
    internal static int CountAtMost(IReadOnlyList<double> ascending, double t)
    {
        int lo = 0, hi = ascending.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ascending[mid] <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The measured threshold (see the remarks), or null when the passages cannot certify the target.</summary>
    internal static double? Certify(IReadOnlyList<double> ascending, double target, double confidence)
    {
        int n = ascending.Count;
        if (!IsCertifiable(n, target, confidence) || double.IsNegativeInfinity(ascending[0]))
        {
            return null;
        }

        // The most false positives whose upper bound stays at or below the target (the bound grows with the count).
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = (int)(((long)lo + hi + 1) / 2);
            if (UpperBound(mid, n, confidence) <= target)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        int allowed = lo;
        double nominal = Math.Log10(target);
        if (CountAtMost(ascending, nominal) <= allowed)
        {
            return nominal;
        }

        // ascending[allowed] <= nominal must be excluded; the largest passage value below it is the threshold.
        double excluded = ascending[allowed];
        int below = CountAtMost(ascending, Math.BitDecrement(excluded));
        double threshold = below > 0 ? ascending[below - 1] : Math.BitDecrement(excluded);
        Debug.Assert(CountAtMost(ascending, threshold) <= allowed, "the threshold admits too many passages");
        return threshold;
    }
}
