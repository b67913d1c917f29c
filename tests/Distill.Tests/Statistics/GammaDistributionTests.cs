using System;
using System.Text.Json;
using Distill.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Statistics;

public class GammaDistributionTests
{
    [Fact]
    public void Upper_tails_match_the_60_digit_known_answers()
    {
        using JsonDocument doc = TestData.Json("tails.json");
        int checkedCount = 0;
        foreach (JsonElement row in doc.RootElement.GetProperty("gamma").EnumerateArray())
        {
            double shape = row.GetProperty("shape").GetDouble();
            double x = row.GetProperty("x").GetDouble();
            double expected = row.GetProperty("log10_p").GetDouble();
            double actual = GammaDistribution.Log10UpperTail(shape, x);
            double tolerance = Math.Max(1e-9 * Math.Abs(expected), 1e-12);
            Assert.True(Math.Abs(actual - expected) <= tolerance, $"shape={shape} x={x}: expected {expected:R}, got {actual:R}");
            checkedCount++;
        }

        Assert.True(checkedCount >= 10, $"only {checkedCount} known answers were checked");
    }

    // ln Q and ln P from mpmath at 45-50 digits (gammainc, or its series and continued fraction in
    // 45-digit arithmetic for shapes beyond 1,000): non-integer, tiny and huge shapes, both tails.
    [Theory]
    [InlineData(1e-8, 1e-14, -14.965659203174411192, double.NaN)]
    [InlineData(1e-4, 1.0, -10.727170017936402, -2.1940878837468324e-05)]
    [InlineData(1e-4, 0.5, -9.790510840639469, -5.598185991248085e-05)]
    [InlineData(0.01, 1.0, -6.111945638793726, -0.0022186941057126645)]
    [InlineData(0.9, 9e-07, -3.7648662036611677e-06, -12.489800116652562)]
    [InlineData(0.999, 9.989999999999999e-07, -1.0133264965874176e-06, -13.802272584688952)]
    [InlineData(7.3, 115.37404868885037, -92.552777673961824937, -6.3802746102800586035e-41)]
    [InlineData(14.5, 0.0145, -6.4433196163071286543e-39, -87.937774751089030875)]
    [InlineData(15.5, 0.01, -1.9087678271483591774e-44, -100.66728617453302357)]
    [InlineData(33.3, 1.0, -1.5197031977285784926e-38, -87.079718482634426239)]
    [InlineData(12345.6, 12345.6, -0.6955437123687452, -0.6907563783873363)]
    [InlineData(1e6, 997000.0, -0.001339000228132566, -6.6165014673067875)]
    [InlineData(1e7, 1e7, -0.6932312885143675, -0.6930630796790761)]
    [InlineData(1e7, 9996837.722339831, -0.17275377422900906, -1.8410216704340607)]
    [InlineData(1e7, 10031622.776601683, -53.126155710401875, -8.464547184302217e-24)]
    [InlineData(1e7, 1e8, -66974160.245270499859, double.NaN)]
    public void Both_tails_match_high_precision_values(double shape, double x, double logUpper, double logLower)
    {
        double upper = GammaDistribution.LogUpperTail(shape, x);
        Assert.True(Math.Abs(upper - logUpper) <= 1e-12 * Math.Abs(logUpper), $"ln Q({shape}, {x}): expected {logUpper:R}, got {upper:R}");
        if (!double.IsNaN(logLower))
        {
            double lower = GammaDistribution.LogLowerTail(shape, x);
            Assert.True(Math.Abs(lower - logLower) <= 1e-12 * Math.Abs(logLower), $"ln P({shape}, {x}): expected {logLower:R}, got {lower:R}");
        }
    }

    [Fact]
    public void P_values_far_below_the_smallest_double_stay_finite_in_log10()
    {
        // Q(1, x) = e^-x exactly: log10 Q(1, 7000) = -7000 / ln 10, about -3040.
        double tiny = GammaDistribution.Log10UpperTail(1, 7000);
        Assert.True(double.IsFinite(tiny) && tiny < -3000);
        Assert.Equal(-7000 / Math.Log(10), tiny, 9);

        // A 10-million-token score far above its mean.
        double huge = GammaDistribution.Log10UpperTail(1e7, 1e8);
        Assert.True(double.IsFinite(huge) && huge < -1e7);
    }

    [Fact]
    public void Edge_cases_are_exact()
    {
        Assert.Equal(0.0, GammaDistribution.LogUpperTail(3, 0.0));
        Assert.Equal(0.0, GammaDistribution.LogUpperTail(3, -1.0));
        Assert.Equal(0.0, GammaDistribution.LogUpperTail(0.5, double.NegativeInfinity));
        Assert.Equal(double.NegativeInfinity, GammaDistribution.LogUpperTail(3, double.PositiveInfinity));
        Assert.Equal(double.NegativeInfinity, GammaDistribution.LogLowerTail(3, 0.0));
        Assert.Equal(double.NegativeInfinity, GammaDistribution.LogLowerTail(3, -2.0));
        Assert.Equal(0.0, GammaDistribution.LogLowerTail(3, double.PositiveInfinity));
        Assert.Equal(-2.5, GammaDistribution.LogUpperTail(1, 2.5), 14);
        Assert.Equal(-2.5, GammaDistribution.LogDensity(1, 2.5), 14);
        Assert.Equal(0.0, GammaDistribution.LogDensity(1, 0.0));
        Assert.Equal(double.PositiveInfinity, GammaDistribution.LogDensity(0.5, 0.0));
        Assert.Equal(double.NegativeInfinity, GammaDistribution.LogDensity(2, 0.0));
        Assert.Equal(double.NegativeInfinity, GammaDistribution.LogDensity(2, -1.0));

        // Gamma(2, 1) density x e^-x.
        Assert.Equal(Math.Log(3) - 3, GammaDistribution.LogDensity(2, 3), 14);
    }

    [Theory]
    [InlineData(0.0, 1.0, "shape")]
    [InlineData(-1.0, 1.0, "shape")]
    [InlineData(double.NaN, 1.0, "shape")]
    [InlineData(double.PositiveInfinity, 1.0, "shape")]
    [InlineData(2.0, double.NaN, "x")]
    public void Bad_arguments_are_refused(double shape, double x, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => GammaDistribution.LogUpperTail(shape, x)).ParamName);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => GammaDistribution.Log10UpperTail(shape, x)).ParamName);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => GammaDistribution.LogLowerTail(shape, x)).ParamName);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => GammaDistribution.LogDensity(shape, x)).ParamName);
    }

    [Property(MaxTest = 300, Replay = "(20240611,1357)")]
    public Property Upper_tail_agrees_with_the_Poisson_sum_for_integer_shapes(int seed)
    {
        // Q(n, x) = P[Poisson(x) <= n - 1] = sum over k < n of e^-x x^k / k!, summed term by term.
        var random = new Random(seed);
        int n = random.Next(1, 80);
        double x = random.NextDouble() * 3 * (n + 5);
        double term = Math.Exp(-x), direct = term;
        for (int k = 1; k < n; k++)
        {
            term *= x / k;
            direct += term;
        }

        double actual = Math.Exp(GammaDistribution.LogUpperTail(n, x));
        return (Math.Abs(actual - direct) <= 1e-12 * direct).Label($"n={n} x={x:R}: {actual:R} vs {direct:R}");
    }

    [Property(MaxTest = 60, Replay = "(31415,9265)")]
    public Property Upper_tail_agrees_with_numeric_integration_for_half_integer_shapes(int seed)
    {
        // Q(a, x) = integral from x of t^(a-1) e^-t / Gamma(a), with Gamma(k + 1/2) = (2k)! sqrt(pi) / (4^k k!),
        // by Simpson's rule on [x, x + 60 + 2a].
        var random = new Random(seed);
        int k = random.Next(0, 25);
        double a = k + 0.5;
        double x = 0.5 + (random.NextDouble() * 2.5 * (a + 3));
        double logGamma = 0.5 * Math.Log(Math.PI) - (k * Math.Log(4));
        for (int i = 1; i <= k; i++)
        {
            logGamma += Math.Log(k + i);
        }

        const int Intervals = 40000;
        double width = 60 + (2 * a), h = width / Intervals, sum = 0;
        for (int i = 0; i <= Intervals; i++)
        {
            double t = x + (i * h);
            double weight = i == 0 || i == Intervals ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * Math.Exp(((a - 1) * Math.Log(t)) - t - logGamma);
        }

        double integral = sum * h / 3;
        double actual = Math.Exp(GammaDistribution.LogUpperTail(a, x));
        return (Math.Abs(actual - integral) <= 1e-9 * integral).Label($"a={a} x={x:R}: {actual:R} vs {integral:R}");
    }

    [Property(MaxTest = 300, Replay = "(8675309,2469)")]
    public Property Upper_tails_of_consecutive_shapes_differ_by_the_density(int seed)
    {
        // Q(a + 1, x) - Q(a, x) = x^a e^-x / Gamma(a + 1), the Gamma(a + 1) density at x, for any real a.
        var random = new Random(seed);
        double a = Math.Exp((random.NextDouble() * 9) - 4.5);
        double x = Math.Exp((random.NextDouble() * 10) - 5) * (a + 1);
        double difference = Math.Exp(GammaDistribution.LogUpperTail(a + 1, x)) - Math.Exp(GammaDistribution.LogUpperTail(a, x));
        double density = Math.Exp(GammaDistribution.LogDensity(a + 1, x));
        return (Math.Abs(difference - density) <= 1e-14 + (1e-11 * density)).Label($"a={a:R} x={x:R}: {difference:R} vs {density:R}");
    }

    [Property(MaxTest = 300, Replay = "(1111,2223)")]
    public Property Lower_and_upper_tails_sum_to_one(int seed)
    {
        var random = new Random(seed);
        double a = Math.Exp((random.NextDouble() * 16) - 4);
        double x = a * Math.Exp((random.NextDouble() * 2) - 1);
        double p = Math.Exp(GammaDistribution.LogLowerTail(a, x));
        double q = Math.Exp(GammaDistribution.LogUpperTail(a, x));
        return (Math.Abs(p + q - 1) <= 1e-13).Label($"a={a:R} x={x:R}: P={p:R} Q={q:R}");
    }

    [Property(MaxTest = 300, Replay = "(777,4441)")]
    public Property Upper_tail_decreases_and_lower_tail_increases_in_x(int seed)
    {
        var random = new Random(seed);
        double a = Math.Exp((random.NextDouble() * 18) - 2);
        double x1 = a * Math.Exp((random.NextDouble() * 4) - 2);
        double x2 = x1 * (1 + (random.NextDouble() * 0.01));
        double q1 = GammaDistribution.LogUpperTail(a, x1), q2 = GammaDistribution.LogUpperTail(a, x2);
        double p1 = GammaDistribution.LogLowerTail(a, x1), p2 = GammaDistribution.LogLowerTail(a, x2);
        bool upperDecreases = q2 <= q1 + (1e-14 * Math.Abs(q1));
        bool lowerIncreases = p2 >= p1 - (1e-14 * Math.Abs(p1));
        return (upperDecreases && lowerIncreases).Label($"a={a:R} x1={x1:R} x2={x2:R}: ln Q {q1:R} -> {q2:R}, ln P {p1:R} -> {p2:R}");
    }

    [Property(MaxTest = 200, Replay = "(5550,1235)")]
    public Property Tails_are_continuous_across_the_series_and_continued_fraction_switch(int seed)
    {
        // The method switches at x = a + 1 (at x = 1 for a shape below 1). Just either side of it, the
        // change in ln Q must match the derivative -f(x) / Q(x) to first order.
        var random = new Random(seed);
        double a = random.Next(3) == 0 ? random.NextDouble() : Math.Exp(random.NextDouble() * 16);
        double at = a < 1 ? 1.0 : a + 1;
        double step = 1e-7 * at;
        double below = GammaDistribution.LogUpperTail(a, at - step);
        double above = GammaDistribution.LogUpperTail(a, at + step);
        double slope = -Math.Exp(GammaDistribution.LogDensity(a, at) - GammaDistribution.LogUpperTail(a, at));
        double predicted = 2 * step * slope;
        double lowerBelow = GammaDistribution.LogLowerTail(a, at - step);
        double lowerAbove = GammaDistribution.LogLowerTail(a, at + step);
        double lowerSlope = Math.Exp(GammaDistribution.LogDensity(a, at) - GammaDistribution.LogLowerTail(a, at));
        bool upper = Math.Abs(above - below - predicted) <= 1e-13 * Math.Max(1, Math.Abs(below)) + (1e-6 * Math.Abs(predicted));
        bool lower = Math.Abs(lowerAbove - lowerBelow - (2 * step * lowerSlope)) <= 1e-13 * Math.Max(1, Math.Abs(lowerBelow)) + (1e-6 * 2 * step * lowerSlope);
        return (upper && lower).Label($"a={a:R}: ln Q {below:R} -> {above:R} (slope {slope:R}), ln P {lowerBelow:R} -> {lowerAbove:R}");
    }

    [Theory]
    [InlineData(1, 101)]
    [InlineData(5, 202)]
    [InlineData(30, 303)]
    [InlineData(200, 404)]
    public void The_test_is_valid_under_the_null(int n, int seed)
    {
        // Under the null the Aaronson score, a sum of n Exp(1) variables, has p-values uniform on (0, 1):
        // the share at or below each level must be consistent with that level (99.9% Clopper-Pearson).
        const int Trials = 20000;
        double[] levels = [0.001, 0.01, 0.05, 0.2, 0.5];
        var counts = new long[levels.Length];
        var random = new Random(seed);
        for (int trial = 0; trial < Trials; trial++)
        {
            double score = 0;
            for (int i = 0; i < n; i++)
            {
                score -= Math.Log(1 - random.NextDouble());
            }

            double logP = GammaDistribution.LogUpperTail(n, score);
            for (int j = 0; j < levels.Length; j++)
            {
                if (logP <= Math.Log(levels[j]))
                {
                    counts[j]++;
                }
            }
        }

        for (int j = 0; j < levels.Length; j++)
        {
            var (lower, upper) = Binomial.ConfidenceInterval(counts[j], Trials, 0.999);
            Assert.True(lower <= levels[j], $"n={n}: {counts[j]} of {Trials} p-values at or below {levels[j]} (interval {lower}..{upper})");
            Assert.True(upper >= levels[j], $"n={n}: only {counts[j]} of {Trials} p-values at or below {levels[j]} (interval {lower}..{upper})");
        }
    }
}
