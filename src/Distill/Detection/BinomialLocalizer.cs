using System;
using System.Collections.Generic;
using Distill.Statistics;

namespace Distill.Detection;

/// <summary>
/// Searches a grid of windows over the scored tokens for runs with too many green tokens.
/// </summary>
/// <remarks>
/// Window lengths start at <see cref="LocalizationOptions.MinimumWindow"/> scored tokens and grow
/// geometrically up to the whole stream; windows of length L start every max(1, L/4) scored tokens
/// (and one is aligned with the end). That grid has O(n) windows instead of the n²/2 of an exhaustive
/// search (as in KGW's WinMax), which keeps the Bonferroni correction small, while any run of
/// watermarked text overlaps a window of nearly its own length. The corrected p-value min(1, N p)
/// over N windows is valid whatever the dependence between windows: under the null the chance that
/// any span is reported is at most alpha. Spans are chosen greedily by p-value, without overlap.
/// </remarks>
internal static class BinomialLocalizer
{
    public static LocalizationResult Localize(ReadOnlySpan<TokenScore> scores, double gamma, LocalizationOptions options)
    {
        // Positions and running green counts of the scored tokens.
        var positions = new List<int>();
        var greenPrefix = new List<int> { 0 };
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] is TokenScore.Green or TokenScore.Red)
            {
                positions.Add(i);
                greenPrefix.Add(greenPrefix[^1] + (scores[i] == TokenScore.Green ? 1 : 0));
            }
        }

        int n = positions.Count;
        if (n < options.MinimumWindow)
        {
            return new LocalizationResult([], 0, n, options.Alpha);
        }

        var candidates = Candidates(greenPrefix, gamma, options, out long windows);
        var spans = new List<WatermarkedSpan>();
        double log10Windows = Math.Log10(windows);
        foreach (var (logP, start, length) in ScoreLocalizer.SelectDisjoint(candidates, options.MaximumSpans))
        {
            int end = start + length;

            // Shown from the first to the last green token of the window; the p-value is the window's.
            int first = start, last = end - 1;
            while (greenPrefix[first + 1] == greenPrefix[first])
            {
                first++;
            }

            while (greenPrefix[last + 1] == greenPrefix[last])
            {
                last--;
            }

            double log10P = logP / Math.Log(10.0);
            spans.Add(new WatermarkedSpan(
                positions[first],
                positions[last] + 1,
                length,
                greenPrefix[end] - greenPrefix[start],
                Math.Min(0.0, log10P + log10Windows),
                log10P));
        }

        return new LocalizationResult(spans, windows, n, options.Alpha);
    }

    /// <summary>
    /// Every window of the grid over <c>n = greenPrefix.Count - 1</c> scored tokens whose exact tail is at
    /// most alpha / windows, with its natural-log p-value; <paramref name="windows"/> is the grid's size.
    /// </summary>
    internal static List<(double LogP, int Start, int Length)> Candidates(IReadOnlyList<int> greenPrefix, double gamma, LocalizationOptions options, out long windows)
    {
        int n = greenPrefix.Count - 1;
        List<int> lengths = WindowLengths(n, options);
        windows = 0;
        foreach (int length in lengths)
        {
            windows += WindowStarts(n, length);
        }

        double logThreshold = Math.Log(options.Alpha) - Math.Log(windows);
        var candidates = new List<(double LogP, int Start, int Length)>();
        foreach (int length in lengths)
        {
            int stride = Math.Max(1, length / 4);
            long count = WindowStarts(n, length);
            for (long w = 0; w < count; w++)
            {
                int start = w == count - 1 ? n - length : (int)(w * stride);
                int green = greenPrefix[start + length] - greenPrefix[start];

                // A lower bound of the exact tail, P[X >= k] >= P[X = k] >= exp(-n KL(k/n || gamma)) /
                // sqrt(8 k (1 - k/n)) (Cover and Thomas, lemma 17.5.1): when even it is above the
                // threshold, the exact tail is too, so the window cannot pass. (An upper bound such as
                // Chernoff's would skip windows whose exact tail passes.)
                if (green <= gamma * length || LogLowerBound(green, length, gamma) > logThreshold)
                {
                    continue;
                }

                double logP = Binomial.LogUpperTail(green, length, gamma);
                if (logP <= logThreshold)
                {
                    candidates.Add((logP, start, length));
                }
            }
        }

        return candidates;
    }

    internal static List<int> WindowLengths(int n, LocalizationOptions options)
    {
        var lengths = new List<int>();
        double length = options.MinimumWindow;
        while (length < n)
        {
            int l = (int)Math.Ceiling(length);
            if (lengths.Count == 0 || l > lengths[^1])
            {
                lengths.Add(l);
            }

            length *= options.WindowGrowth;
        }

        if (lengths.Count == 0 || lengths[^1] != n)
        {
            lengths.Add(n);
        }

        return lengths;
    }

    // Starts 0, s, 2s, ... while the window fits, plus one aligned with the end when that is new.
    internal static long WindowStarts(int n, int length)
    {
        int stride = Math.Max(1, length / 4);
        long regular = ((n - length) / stride) + 1;
        return (n - length) % stride == 0 ? regular : regular + 1;
    }

    /// <summary>A lower bound of ln P[Binomial(n, p) &gt;= k] for p n &lt; k &lt;= n.</summary>
    internal static double LogLowerBound(int k, int n, double p)
    {
        double x = (double)k / n;
        return k == n
            ? n * Math.Log(p)
            : (-n * KullbackLeibler(x, p)) - (0.5 * Math.Log(8.0 * k * (1.0 - x)));
    }

    private static double KullbackLeibler(double x, double p) =>
        (x <= 0 ? 0 : x * Math.Log(x / p)) + (x >= 1 ? 0 : (1 - x) * Math.Log((1 - x) / (1 - p)));
}
