using System;
using Distill.Evaluation.Attacks;

namespace Distill.Evaluation.Tests.Attacks;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData(-0.1, 0, 0, "substitution")]
    [InlineData(1.1, 0, 0, "substitution")]
    [InlineData(double.NaN, 0, 0, "substitution")]
    [InlineData(0, -1e-9, 0, "insertion")]
    [InlineData(0, double.PositiveInfinity, 0, "insertion")]
    [InlineData(0, 0, 2, "deletion")]
    [InlineData(0, 0, double.NaN, "deletion")]
    public void Bad_rates_throw_with_the_parameter_name(double substitution, double insertion, double deletion, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EditRates(substitution, insertion, deletion));
        Assert.Equal(name, error.ParamName);
    }

    [Theory]
    [InlineData(0, 1, "watermarkedFraction")]
    [InlineData(1, 1, "watermarkedFraction")]
    [InlineData(double.NaN, 1, "watermarkedFraction")]
    [InlineData(0.5, 0, "segments")]
    [InlineData(0.5, DilutionOptions.MaxSegments + 1, "segments")]
    public void Bad_dilution_options_throw_with_the_parameter_name(double fraction, int segments, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DilutionOptions(fraction, segments));
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Bad_attack_arguments_throw_with_the_parameter_name()
    {
        Assert.Equal("maxTokens", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenTruncationAttack(-1)).ParamName);
        Assert.Equal("maxCharacters", Assert.Throws<ArgumentOutOfRangeException>(() => new TextTruncationAttack(-1)).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentException>(() => TokenDistribution.Uniform([])).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => TokenDistribution.Uniform([3, -2])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentOutOfRangeException>(() => TokenDistribution.FromWeights([1, -1])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentOutOfRangeException>(() => TokenDistribution.FromWeights([1, double.NaN])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => TokenDistribution.FromWeights([0, 0])).ParamName);
        Assert.Equal("vocabulary", Assert.Throws<ArgumentException>(() => new WordEditAttack(EditRates.None, [])).ParamName);
        Assert.Equal("vocabulary", Assert.Throws<ArgumentException>(() => new WordEditAttack(EditRates.None, ["two words"])).ParamName);
        Assert.Equal("vocabulary", Assert.Throws<ArgumentException>(() => new WordEditAttack(EditRates.None, [""])).ParamName);
        Assert.Equal("rates", Assert.Throws<ArgumentNullException>(() => new TokenEditAttack(null!, TokenDistribution.Uniform([1]))).ParamName);
        var edit = new TokenEditAttack(EditRates.None, TokenDistribution.Uniform([1]));
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => edit.Apply([1, -5], 0)).ParamName);
    }
}
