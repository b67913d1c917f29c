using System;
using Distill.Fingerprinting;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Fingerprinting;

public sealed class TwoPointSumTests
{
    /// <summary>The exact tail equals the sum over all 2^n outcomes, and the Chernoff bound is never below it.</summary>
    [Property(MaxTest = 300)]
    public Property Exact_tail_matches_enumeration_and_the_bound_is_above_it(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(1, 13);
        int[] d = new int[n];
        double[] p = new double[n];
        for (int i = 0; i < n; i++)
        {
            d[i] = random.Next(-6, 7);
            p[i] = random.Next(1, 65536) / 65536.0;
        }

        long observed = random.Next(-20, 21);
        double truth = 0;
        for (int mask = 0; mask < 1 << n; mask++)
        {
            long sum = 0;
            double probability = 1;
            for (int i = 0; i < n; i++)
            {
                bool one = ((mask >> i) & 1) != 0;
                sum += one ? d[i] : 0;
                probability *= one ? p[i] : 1 - p[i];
            }

            truth += sum >= observed ? probability : 0;
        }

        double exact = TwoPointSum.Log10UpperTail(d, p, observed);
        double[] zeros = new double[n], ones = new double[n];
        for (int i = 0; i < n; i++)
        {
            ones[i] = d[i];
        }

        double bound = TwoPointSum.ChernoffLog10UpperTail(zeros, ones, p, observed);
        bool exactOk = truth == 0 ? double.IsNegativeInfinity(exact) : Math.Abs(exact - Math.Log10(truth)) < 1e-9;
        bool boundOk = truth == 0 || bound >= Math.Log10(truth) - 1e-9;
        return (exactOk && boundOk).Label($"n={n} observed={observed} truth={truth} exact={exact} bound={bound}");
    }

    [Fact]
    public void Tails_beyond_double_range_fall_back_to_the_bound_in_log_space()
    {
        // 2,000 positions each matching 3 tokens against 0: P = 2^-2000, about 1e-602.
        int[] d = new int[2000];
        double[] p = new double[2000];
        Array.Fill(d, 3);
        Array.Fill(p, 0.5);
        double log10 = TwoPointSum.Log10UpperTail(d, p, 6000);
        Assert.InRange(log10, -2000 * Math.Log10(2) - 1e-6, -550);
        Assert.True(double.IsFinite(log10));
        Assert.Equal(0, TwoPointSum.Log10UpperTail(d, p, 0));
        Assert.Equal(double.NegativeInfinity, TwoPointSum.Log10UpperTail(d, p, 6001));
    }
}
