using System;

namespace Distill.Evaluation.Tests;

public sealed class SamplingOptionsTests
{
    [Fact]
    public void Defaults_sample_from_the_model_unchanged()
    {
        var options = new SamplingOptions();
        Assert.Equal(1, options.Temperature);
        Assert.Equal(0, options.TopK);
        Assert.Equal(1, options.TopP);
        Assert.Equal(0UL, options.Seed);
        Assert.Equal(0, SamplingOptions.Greedy.Temperature);
        Assert.Equal(1e-6, new SamplingOptions { Temperature = 1e-6 }.Temperature);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1e-7)]
    [InlineData(double.Epsilon)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Rejects_invalid_temperatures(double temperature) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { Temperature = temperature });

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    public void Rejects_invalid_top_p(double topP) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { TopP = topP });

    [Fact]
    public void Rejects_negative_top_k_also_through_with()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { TopK = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingOptions.Greedy with { TopK = -3 });
        SamplingOptions valid = SamplingOptions.Greedy with { TopK = 5, TopP = 1, Seed = ulong.MaxValue };
        Assert.Equal(5, valid.TopK);
    }
}
