using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Runner;

/// <summary>
/// The "size" of a watermark (Piet et al., "Mark My Words: Analyzing and Evaluating Language Model
/// Watermarks", 2023): the number of tokens a detector needs before the p-value first falls to the
/// threshold, and its quantiles over generations with "not reached" counted as infinitely many tokens.
/// </summary>
internal static class DetectionSize
{
    /// <summary>
    /// Returns the first checked prefix length whose log10 p-value is at most <paramref name="log10Alpha"/>,
    /// or <see langword="null"/> when none is (not reached within the longest prefix).
    /// </summary>
    public static int? FirstReached(IReadOnlyList<int> lengths, IReadOnlyList<double> log10P, double log10Alpha)
    {
        if (lengths.Count != log10P.Count)
        {
            throw new ArgumentException($"{lengths.Count} lengths but {log10P.Count} p-values.", nameof(log10P));
        }

        for (int i = 0; i < lengths.Count; i++)
        {
            if (i > 0 && lengths[i] <= lengths[i - 1])
            {
                throw new ArgumentException("The lengths must increase.", nameof(lengths));
            }

            if (log10P[i] <= log10Alpha)
            {
                return lengths[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Returns the nearest-rank quantile (the value at rank ceil(q n), 1-based, in ascending order) of
    /// sizes where <see langword="null"/> (not reached) sorts above every number: positive infinity
    /// when the rank falls on a generation that never reached the threshold.
    /// </summary>
    public static double Quantile(IReadOnlyList<int?> sizes, double q)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sizes.Count, nameof(sizes));
        if (!(q > 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be in (0, 1].");
        }

        double[] sorted = [.. sizes.Select(s => s is { } n ? (double)n : double.PositiveInfinity).Order()];
        int rank = (int)Math.Ceiling((q * sorted.Length) - 1e-9);
        return sorted[Math.Max(rank, 1) - 1];
    }
}
