using System;
using System.Collections.Generic;

namespace Distill.Detection;

/// <summary>
/// The localization search of <see cref="BinomialLocalizer"/> for any additive per-token score whose
/// null tail is known (Gumbel-max scores, SynthID g-value counts): the same window grid, the same
/// Bonferroni correction over every window searched, spans chosen greedily without overlap.
/// </summary>
internal static class ScoreLocalizer
{
    /// <summary>The natural log of P[S_n &gt;= s] under the null for the sum s of n scored tokens.</summary>
    public delegate double LogUpperTail(long scored, double sum);

    /// <summary>Searches the windows.</summary>
    /// <param name="values">One value per token; NaN for tokens that were not scored (prefix or repeated).</param>
    /// <param name="nullMean">The mean of one token's score under the null: windows at or below it are never significant and are skipped.</param>
    /// <param name="tail">The null tail of a window's sum.</param>
    /// <param name="options">The search's options.</param>
    /// <returns>The significant spans; each <see cref="WatermarkedSpan.Score"/> is the window's sum.</returns>
    public static LocalizationResult Localize(ReadOnlySpan<double> values, double nullMean, LogUpperTail tail, LocalizationOptions options)
    {
        var positions = new List<int>();
        var prefix = new List<double> { 0.0 };
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                positions.Add(i);
                prefix.Add(prefix[^1] + values[i]);
            }
        }

        return Search(positions, options, (start, length) =>
        {
            double sum = prefix[start + length] - prefix[start];
            return sum <= nullMean * length ? 0.0 : tail(length, sum);
        }, (start, length, log10Corrected, log10) => new WatermarkedSpan(positions[start], positions[start + length - 1] + 1, length, 0, log10Corrected, log10)
        {
            Score = prefix[start + length] - prefix[start],
        });
    }

    /// <summary>
    /// The window search every localizer shares: over the n scored positions, the window grid of
    /// <see cref="BinomialLocalizer.WindowLengths"/> (stride a quarter of the length, the last window
    /// flush with the end), each window's natural-log p-value from <paramref name="windowLogTail"/>
    /// (start and length in scored positions; 0 for a window that cannot be significant), kept when
    /// below alpha over the number of windows (Bonferroni), then chosen greedily without overlap.
    /// <paramref name="makeSpan"/> builds a span from its start, length, corrected and own log10 p-values.
    /// </summary>
    internal static LocalizationResult Search(List<int> positions, LocalizationOptions options, Func<int, int, double> windowLogTail, Func<int, int, double, double, WatermarkedSpan> makeSpan)
    {
        int n = positions.Count;
        if (n < options.MinimumWindow)
        {
            return new LocalizationResult([], 0, n, options.Alpha);
        }

        List<int> lengths = BinomialLocalizer.WindowLengths(n, options);
        long windows = 0;
        foreach (int length in lengths)
        {
            windows += BinomialLocalizer.WindowStarts(n, length);
        }

        double logThreshold = Math.Log(options.Alpha) - Math.Log(windows);
        var candidates = new List<(double LogP, int Start, int Length)>();
        foreach (int length in lengths)
        {
            int stride = Math.Max(1, length / 4);
            long count = BinomialLocalizer.WindowStarts(n, length);
            for (long w = 0; w < count; w++)
            {
                int start = w == count - 1 ? n - length : (int)(w * stride);
                double logP = windowLogTail(start, length);
                if (logP <= logThreshold)
                {
                    candidates.Add((logP, start, length));
                }
            }
        }

        var spans = new List<WatermarkedSpan>();
        double log10Windows = Math.Log10(windows);
        foreach (var (logP, start, length) in SelectDisjoint(candidates, options.MaximumSpans))
        {
            double log10P = logP / Math.Log(10.0);
            spans.Add(makeSpan(start, length, Math.Min(0.0, log10P + log10Windows), log10P));
        }

        return new LocalizationResult(spans, windows, n, options.Alpha);
    }

    /// <summary>
    /// The most significant candidates that overlap no more significant one, at most
    /// <paramref name="maximum"/> of them: sorted by p-value, then by start (candidates are sorted in place).
    /// </summary>
    internal static List<(double LogP, int Start, int Length)> SelectDisjoint(List<(double LogP, int Start, int Length)> candidates, int maximum)
    {
        candidates.Sort(static (a, b) => a.LogP != b.LogP ? a.LogP.CompareTo(b.LogP) : a.Start.CompareTo(b.Start));
        var chosen = new List<(double LogP, int Start, int Length)>();
        foreach (var candidate in candidates)
        {
            if (chosen.Count >= maximum)
            {
                break;
            }

            int start = candidate.Start, end = candidate.Start + candidate.Length;
            if (!chosen.Exists(t => start < t.Start + t.Length && t.Start < end))
            {
                chosen.Add(candidate);
            }
        }

        return chosen;
    }
}
