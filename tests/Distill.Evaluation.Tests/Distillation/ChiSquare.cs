using System;
using System.Collections.Generic;
using Distill.Statistics;

namespace Distill.Evaluation.Tests.Distillation;

/// <summary>Pearson's chi-square goodness-of-fit test of observed token counts against probabilities.</summary>
internal static class ChiSquare
{
    /// <summary>
    /// Returns log10 of the p-value of counts against a distribution: ids with an expected count of
    /// at least 5 are cells of their own, the rest are pooled into one cell.
    /// </summary>
    public static double Log10PValue(IReadOnlyDictionary<int, int> counts, ReadOnlySpan<double> probabilities, int draws)
    {
        double statistic = 0;
        int cells = 0;
        double pooledExpected = 0;
        long pooledObserved = 0;
        for (int token = 0; token < probabilities.Length; token++)
        {
            double expected = probabilities[token] * draws;
            int observed = counts.TryGetValue(token, out int c) ? c : 0;
            if (expected >= 5)
            {
                statistic += (observed - expected) * (observed - expected) / expected;
                cells++;
            }
            else
            {
                pooledExpected += expected;
                pooledObserved += observed;
            }
        }

        if (pooledExpected > 0)
        {
            statistic += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            cells++;
        }

        int degrees = Math.Max(cells - 1, 1);
        return GammaDistribution.Log10UpperTail(degrees / 2.0, statistic / 2);
    }

    /// <summary>The natural-log probabilities turned into probabilities (negative infinity to 0).</summary>
    public static double[] Exp(ReadOnlySpan<float> logProbabilities)
    {
        var p = new double[logProbabilities.Length];
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Math.Exp(logProbabilities[i]);
            total += p[i];
        }

        for (int i = 0; i < p.Length; i++)
        {
            p[i] /= total;
        }

        return p;
    }

    public static Dictionary<int, int> Count(IEnumerable<int> tokens)
    {
        var counts = new Dictionary<int, int>();
        foreach (int token in tokens)
        {
            counts[token] = counts.TryGetValue(token, out int c) ? c + 1 : 1;
        }

        return counts;
    }
}
