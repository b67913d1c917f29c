using System;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Radioactivity;
using Distill.Statistics;

namespace Distill.Tests.Radioactivity;

/// <summary>The open-model test's anytime-valid p-values: their closed forms, and validity under optional stopping.</summary>
public sealed class AnytimeValidityTests
{
    private static readonly RadioactivityScorer s_green =
        KgwScheme.Create(TestData.FixedKey, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = 1, Gamma = 0.25 }, 1_000).CreateRadioactivityScorer()!;

    private static readonly RadioactivityScorer s_gumbel =
        GumbelScheme.Create(TestData.FixedKey, new GumbelOptions { ContextWidth = 1, Variants = 2 }, 1_000).CreateRadioactivityScorer()!;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 2)]
    [InlineData(10, 9)]
    [InlineData(200, 50)]
    [InlineData(200, 90)]
    [InlineData(2_000, 700)]
    public void The_Bernoulli_mixture_matches_its_integral(long n, long s)
    {
        // E = 1/(1 - gamma) * integral over [gamma, 1] of (q/gamma)^s ((1-q)/(1-gamma))^(n-s) dq, by Simpson's rule in log space.
        double gamma = 0.25;
        double logE = LogIntegral(q => (s * Math.Log(q / gamma)) + ((n - s) * Math.Log((1 - q) / (1 - gamma))), gamma, 1.0) - Math.Log(1 - gamma);
        double expected = Math.Min(0.0, -logE / Math.Log(10));
        double actual = s_green.AnytimeLog10PValue(n, (UInt128)s);
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"n {n}, s {s}: {actual} vs {expected}");
    }

    [Theory]
    [InlineData(1, 2.5)]
    [InlineData(10, 30.0)]
    [InlineData(100, 230.0)]
    [InlineData(1_000, 2_300.0)]
    public void The_exponential_mixture_matches_its_integral(long n, double s)
    {
        // Two variants: K n Exp(1) values; E = integral over (0, 1] of lambda^(K n) e^((1 - lambda) s).
        long kn = 2 * n;
        double logE = LogIntegral(l => (kn * Math.Log(l)) + ((1 - l) * s), 1e-12, 1.0);
        double expected = Math.Min(0.0, -logE / Math.Log(10));
        double actual = s_gumbel.AnytimeLog10PValue(n, (UInt128)(s * GumbelScheme.FixedScale));
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"n {n}, s {s}: {actual} vs {expected}");
    }

    [Fact]
    public void Stopping_as_soon_as_it_looks_significant_keeps_the_anytime_p_value_valid_but_not_the_binomial()
    {
        // Null Bernoulli(gamma) sequences, checked after every 10 trials up to 2,000, stopping at the
        // first p <= alpha: the anytime-valid p-value rejects at most alpha of them (Ville), the
        // fixed-sample binomial far more (why the open-model test, whose selection adapts, uses it).
        const double gamma = 0.25, alpha = 0.01;
        const int runs = 2_000;
        var random = new Random(17);
        int anytime = 0, binomial = 0;
        for (int r = 0; r < runs; r++)
        {
            long s = 0;
            bool a = false, b = false;
            for (int n = 1; n <= 2_000; n++)
            {
                s += random.NextDouble() < gamma ? 1 : 0;
                if (n % 10 != 0)
                {
                    continue;
                }

                a |= s_green.AnytimeLog10PValue(n, (UInt128)s) <= Math.Log10(alpha);
                b |= Binomial.Log10UpperTail(s, n, gamma) <= Math.Log10(alpha);
            }

            anytime += a ? 1 : 0;
            binomial += b ? 1 : 0;
        }

        Assert.True(anytime <= TestData.UpperQuantile(runs, alpha, 1e-3), $"anytime-valid: {anytime} of {runs}");
        Assert.True(binomial > 4 * alpha * runs, $"binomial under optional stopping: only {binomial} of {runs}");
    }

    /// <summary>ln of the integral of exp(f) over [a, b], by composite Simpson's rule (20,000 intervals) around the maximum.</summary>
    private static double LogIntegral(Func<double, double> logF, double a, double b)
    {
        const int intervals = 20_000;
        double h = (b - a) / intervals;
        double max = double.NegativeInfinity;
        for (int i = 0; i <= intervals; i++)
        {
            max = Math.Max(max, logF(a + (i * h)));
        }

        double sum = 0;
        for (int i = 0; i <= intervals; i++)
        {
            double w = i == 0 || i == intervals ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += w * Math.Exp(logF(a + (i * h)) - max);
        }

        return max + Math.Log(sum * h / 3);
    }
}
