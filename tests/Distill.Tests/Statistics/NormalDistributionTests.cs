using System;
using System.Text.Json;
using Distill.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Statistics;

public class NormalDistributionTests
{
    [Fact]
    public void Upper_tails_match_the_60_digit_known_answers()
    {
        using JsonDocument doc = TestData.Json("tails.json");
        int checkedCount = 0;
        foreach (JsonElement row in doc.RootElement.GetProperty("normal").EnumerateArray())
        {
            double z = row.GetProperty("z").GetDouble();
            double expected = row.GetProperty("log10_p").GetDouble();
            double actual = NormalDistribution.Log10UpperTail(z);
            double tolerance = Math.Max(1e-9 * Math.Abs(expected), 1e-12);
            Assert.True(Math.Abs(actual - expected) <= tolerance, $"z={z}: expected {expected:R}, got {actual:R}");
            checkedCount++;
        }

        Assert.True(checkedCount >= 5, $"only {checkedCount} known answers were checked");
    }

    // ln P[Z >= z] from mpmath at 50 digits (log of ncdf(-z), or log1p(-ncdf(z)) for the large side).
    [Theory]
    [InlineData(-20.0, -2.7536241186062337e-89)]
    [InlineData(-8.0, -6.220960574271786e-16)]
    [InlineData(-1.0, -0.17275377902344988)]
    [InlineData(1e-8, -0.693147188538791)]
    [InlineData(0.999999, -1.8410201198743879)]
    [InlineData(1.000001, -1.84102317014494)]
    [InlineData(2.0, -3.783184333682032)]
    [InlineData(38.0, -726.5572160188201)]
    [InlineData(1000.0, -500007.82669481216)]
    [InlineData(10000.0, -50000010.12927891)]
    public void Upper_tails_match_high_precision_values(double z, double expected)
    {
        double actual = NormalDistribution.LogUpperTail(z);
        Assert.True(Math.Abs(actual - expected) <= 1e-13 * Math.Abs(expected), $"z={z}: expected {expected:R}, got {actual:R}");
    }

    [Fact]
    public void Edge_cases_are_exact()
    {
        Assert.Equal(Math.Log(0.5), NormalDistribution.LogUpperTail(0.0), 15);
        Assert.Equal(0.0, NormalDistribution.LogUpperTail(double.NegativeInfinity));
        Assert.Equal(0.0, NormalDistribution.LogUpperTail(-40.0));
        Assert.Equal(double.NegativeInfinity, NormalDistribution.LogUpperTail(double.PositiveInfinity));
    }

    [Fact]
    public void NaN_is_refused()
    {
        Assert.Equal("z", Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.LogUpperTail(double.NaN)).ParamName);
        Assert.Equal("z", Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.Log10UpperTail(double.NaN)).ParamName);
    }

    [Property(MaxTest = 300, Replay = "(13579,2467)")]
    public Property Upper_tail_is_half_the_gamma_upper_tail_at_half_z_squared(int seed)
    {
        // P[Z >= z] = Q(1/2, z^2 / 2) / 2 for z >= 0: two independent algorithms must agree.
        var random = new Random(seed);
        double z = Math.Exp((random.NextDouble() * 16) - 7);
        double normal = NormalDistribution.LogUpperTail(z);
        double gamma = Math.Log(0.5) + GammaDistribution.LogUpperTail(0.5, z * z / 2);
        return (Math.Abs(normal - gamma) <= 1e-12 * Math.Abs(gamma)).Label($"z={z:R}: {normal:R} vs {gamma:R}");
    }

    [Property(MaxTest = 300, Replay = "(24680,1113)")]
    public Property Tails_are_symmetric_and_decreasing(int seed)
    {
        var random = new Random(seed);
        double z = (random.NextDouble() * 16) - 8;
        double z2 = z + (random.NextDouble() * 0.01);
        double sum = Math.Exp(NormalDistribution.LogUpperTail(z)) + Math.Exp(NormalDistribution.LogUpperTail(-z));
        bool decreasing = NormalDistribution.LogUpperTail(z2) <= NormalDistribution.LogUpperTail(z);
        return (Math.Abs(sum - 1) <= 1e-15 && decreasing).Label($"z={z:R}: sum {sum:R}, decreasing {decreasing}");
    }

    [Fact]
    public void Far_tail_follows_the_asymptotic_series()
    {
        // ln P[Z >= z] = -z^2/2 - ln(z sqrt(2 pi)) + ln(1 - 1/z^2 + 3/z^4 - 15/z^6 + ...).
        foreach (double z in new[] { 200.0, 3000.0, 10000.0 })
        {
            double zz = z * z;
            double expected = -(zz / 2) - Math.Log(z * Math.Sqrt(2 * Math.PI)) + Math.Log(1 - (1 / zz) + (3 / (zz * zz)) - (15 / (zz * zz * zz)));
            double actual = NormalDistribution.LogUpperTail(z);
            Assert.True(Math.Abs(actual - expected) <= 1e-14 * Math.Abs(expected), $"z={z}: {actual:R} vs {expected:R}");
        }
    }
}
