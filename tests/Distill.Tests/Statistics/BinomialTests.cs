using System;
using System.Text.Json;
using Distill.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Statistics;

public class BinomialTests
{
    [Fact]
    public void Upper_tails_match_the_60_digit_known_answers()
    {
        using JsonDocument doc = TestData.Json("tails.json");
        int checkedCount = 0;
        foreach (JsonElement row in doc.RootElement.GetProperty("binomial").EnumerateArray())
        {
            long n = row.GetProperty("n").GetInt64();
            long k = row.GetProperty("k").GetInt64();
            double gamma = row.GetProperty("gamma").GetDouble();
            double expected = row.GetProperty("log10_p").GetDouble();
            double actual = Binomial.Log10UpperTail(k, n, gamma);
            double tolerance = Math.Max(1e-9 * Math.Abs(expected), 1e-12);
            Assert.True(Math.Abs(actual - expected) <= tolerance, $"n={n} k={k} gamma={gamma}: expected {expected:R}, got {actual:R}");
            checkedCount++;
        }

        Assert.True(checkedCount >= 10, $"only {checkedCount} known answers were checked");
    }

    [Fact]
    public void P_values_far_below_the_smallest_double_stay_finite_in_log10()
    {
        // 1e-300: about 498 green of 500 at gamma 0.25; 1e-3000: 5,000 green of 5,000 (log10 = 5000 log10 0.25).
        double tiny = Binomial.Log10UpperTail(500, 500, 0.25);
        Assert.Equal(500 * Math.Log10(0.25), tiny, 9);
        Assert.True(tiny < -300);
        double tinier = Binomial.Log10UpperTail(5000, 5000, 0.25);
        Assert.Equal(5000 * Math.Log10(0.25), tinier, 6);
        Assert.True(double.IsFinite(tinier) && tinier < -3000);
    }

    [Fact]
    public void Edge_cases_are_exact()
    {
        Assert.Equal(0.0, Binomial.LogUpperTail(0, 10, 0.3));
        Assert.Equal(double.NegativeInfinity, Binomial.LogUpperTail(11, 10, 0.3));
        Assert.Equal(10 * Math.Log(0.3), Binomial.LogUpperTail(10, 10, 0.3), 12);
        Assert.Equal(double.NegativeInfinity, Binomial.LogUpperTail(1, 10, 0.0));
        Assert.Equal(0.0, Binomial.LogUpperTail(10, 10, 1.0));
        Assert.Equal(0.0, Binomial.LogUpperTail(0, 0, 0.5));
    }

    [Theory]
    [InlineData(-1L, 0.5, "n")]
    [InlineData(10L, -0.1, "p")]
    [InlineData(10L, 1.5, "p")]
    [InlineData(10L, double.NaN, "p")]
    public void Bad_parameters_are_refused(long n, double p, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Binomial.LogUpperTail(1, n, p));
        Assert.Equal(parameter, ex.ParamName);
    }

    [Property(MaxTest = 300, Replay = "(12345,67891)")]
    public Property Tails_agree_with_direct_summation_for_small_n() =>
        Prop.ForAll(Gen.Choose(1, 60).ToArbitrary(), Gen.Choose(1, 99).ToArbitrary(), Gen.Choose(0, 61).ToArbitrary(), (n, percent, k) =>
        {
            double p = percent / 100.0;
            double direct = 0;
            for (int j = Math.Max(k, 0); j <= n; j++)
            {
                direct += Math.Exp(LogChoose(n, j) + (j * Math.Log(p)) + ((n - j) * Math.Log(1 - p)));
            }

            double actual = Math.Exp(Binomial.LogUpperTail(k, n, p));
            return (Math.Abs(actual - direct) <= 1e-12 + (1e-10 * direct)).Label($"n={n} p={p} k={k}: {actual} vs {direct}");
        });

    [Property(MaxTest = 200, Replay = "(424242,1717)")]
    public Property The_exact_test_is_valid_at_every_level(int seed)
    {
        // Under the null the chance of p <= alpha is at most alpha: sum the point masses of every
        // outcome whose p-value is at most alpha.
        var random = new Random(seed);
        int n = random.Next(1, 400);
        double gamma = new[] { 0.1, 0.25, 0.5, 0.75 }[random.Next(4)];
        double alpha = Math.Pow(10, -random.Next(1, 7)) * (1 + random.Next(9));
        double mass = 0;
        for (int k = 0; k <= n; k++)
        {
            if (Binomial.LogUpperTail(k, n, gamma) <= Math.Log(alpha))
            {
                mass += Math.Exp(Binomial.LogProbability(k, n, gamma));
            }
        }

        return (mass <= alpha * (1 + 1e-9)).Label($"n={n} gamma={gamma} alpha={alpha}: size {mass}");
    }

    [Fact]
    public void Clopper_Pearson_interval_matches_known_values()
    {
        // 0 of 10: upper bound 1 - 0.025^(1/10) at 95%.
        var (lower0, upper0) = Binomial.ConfidenceInterval(0, 10, 0.95);
        Assert.Equal(0.0, lower0);
        Assert.Equal(1 - Math.Pow(0.025, 0.1), upper0, 9);

        // 10 of 10: lower bound 0.025^(1/10).
        var (lower10, upper10) = Binomial.ConfidenceInterval(10, 10, 0.95);
        Assert.Equal(Math.Pow(0.025, 0.1), lower10, 9);
        Assert.Equal(1.0, upper10);

        // 20 of 2000 at 99%: each bound leaves 0.5% in its tail.
        var (lower, upper) = Binomial.ConfidenceInterval(20, 2000, 0.99);
        Assert.InRange(lower, 0.005, 0.01);
        Assert.InRange(upper, 0.01, 0.018);
        Assert.Equal(0.005, Math.Exp(Binomial.LogLowerTail(20, 2000, upper)), 6);
        Assert.Equal(0.005, Math.Exp(Binomial.LogUpperTail(20, 2000, lower)), 6);
    }

    private static double LogChoose(int n, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++)
        {
            s += Math.Log(n - k + i) - Math.Log(i);
        }

        return s;
    }
}
