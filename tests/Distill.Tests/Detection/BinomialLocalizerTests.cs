using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Detection;

/// <summary>The localizer's pre-filter must never drop a window whose exact p-value passes.</summary>
public class BinomialLocalizerTests
{
    [Fact]
    public void Twelve_green_of_sixteen_is_kept_where_the_Chernoff_bound_would_have_skipped_it()
    {
        // The case of the issue: exact 10^-4.42, Chernoff bound 10^-3.82, threshold between them.
        double exact = Binomial.LogUpperTail(12, 16, 0.25);
        Assert.InRange(exact / Math.Log(10), -4.43, -4.41);
        var options = LocalizationOptions.Default with { Alpha = Math.Exp(exact + 0.1), MinimumWindow = 16 };
        int[] prefix = [.. Enumerable.Range(0, 17).Select(i => Math.Min(i, 12))];
        List<(double LogP, int Start, int Length)> found = BinomialLocalizer.Candidates(prefix, 0.25, options, out long windows);
        Assert.Equal(1, windows);
        Assert.Single(found);
        Assert.Equal(exact, found[0].LogP, 12);
    }

    [Property(MaxTest = 200, Replay = "(20261205,1213)")]
    public Property Every_window_whose_exact_p_passes_is_a_candidate(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(8, 300);
        double gamma = new[] { 0.1, 0.25, 0.5, 0.75 }[random.Next(4)];

        // Runs of watermark-like text (green with probability 0.6 to 1) inside null text.
        var prefix = new List<int> { 0 };
        double p = gamma;
        for (int i = 0; i < n; i++)
        {
            if (random.Next(20) == 0)
            {
                p = p == gamma ? 0.6 + (0.4 * random.NextDouble()) : gamma;
            }

            prefix.Add(prefix[^1] + (random.NextDouble() < p ? 1 : 0));
        }

        var options = LocalizationOptions.Default with
        {
            Alpha = Math.Pow(10, -random.Next(1, 7)),
            MinimumWindow = random.Next(4, 32),
        };
        if (n < options.MinimumWindow)
        {
            return true.Label("too short");
        }

        var found = BinomialLocalizer.Candidates(prefix, gamma, options, out long windows).Select(c => (c.Start, c.Length)).ToHashSet();

        // Brute force over the same grid: every window, exact tail, no pre-filter.
        double logThreshold = Math.Log(options.Alpha) - Math.Log(windows);
        var expected = new HashSet<(int, int)>();
        long count = 0;
        foreach (int length in BinomialLocalizer.WindowLengths(n, options))
        {
            long starts = BinomialLocalizer.WindowStarts(n, length);
            count += starts;
            for (long w = 0; w < starts; w++)
            {
                int start = w == starts - 1 ? n - length : (int)(w * Math.Max(1, length / 4));
                int green = prefix[start + length] - prefix[start];
                if (Binomial.LogUpperTail(green, length, gamma) <= logThreshold)
                {
                    expected.Add((start, length));
                }
            }
        }

        return (count == windows && expected.SetEquals(found)).Label($"n {n}, gamma {gamma}: {expected.Count} passing windows, {found.Count} candidates");
    }

    [Property(MaxTest = 300, Replay = "(8086,4005)")]
    public Property The_pre_filter_bound_is_below_the_exact_tail(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(1, 2000);
        double gamma = 0.01 + (0.98 * random.NextDouble());
        int k = random.Next((int)Math.Floor(gamma * n) + 1, n + 1);
        if (k <= gamma * n || k > n)
        {
            return true.Label("no upper tail");
        }

        double bound = BinomialLocalizer.LogLowerBound(k, n, gamma);
        double exact = Binomial.LogUpperTail(k, n, gamma);
        return (bound <= exact + 1e-9).Label($"k {k} of n {n}, gamma {gamma}: bound {bound}, exact {exact}");
    }
}
