using System;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.BadInput;

/// <summary>Options are validated when each value is set, with the property's name as the parameter name.</summary>
public class OptionsBadInputTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Gamma_outside_the_open_unit_interval_is_refused(double gamma)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new KgwOptions { Gamma = gamma });
        Assert.Equal(nameof(KgwOptions.Gamma), ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => KgwOptions.Default with { Gamma = gamma });
        Assert.Equal(0.25, KgwOptions.Default.Gamma);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(65.0)]
    [InlineData(64.000001)]
    public void Delta_outside_the_allowed_range_is_refused(double delta)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new KgwOptions { Delta = delta });
        Assert.Equal(nameof(KgwOptions.Delta), ex.ParamName);
        Assert.Equal(2.0, KgwOptions.Default.Delta);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(17)]
    [InlineData(int.MaxValue)]
    public void Context_width_outside_1_to_16_is_refused(int width)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = width });
        Assert.Equal(nameof(KgwOptions.ContextWidth), ex.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1025)]
    public void SelfHash_candidates_outside_1_to_1024_are_refused(int candidates)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new KgwOptions { SelfHashCandidates = candidates });
        Assert.Equal(nameof(KgwOptions.SelfHashCandidates), ex.ParamName);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void Undefined_seeding_is_refused(int seeding)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new KgwOptions { Seeding = (KgwSeeding)seeding });
        Assert.Equal(nameof(KgwOptions.Seeding), ex.ParamName);
    }

    [Fact]
    public void The_boundaries_themselves_are_accepted()
    {
        // So that the refusals above are about the values, not about setting anything at all.
        var options = new KgwOptions { Gamma = double.Epsilon, Delta = 64.0, ContextWidth = 16, SelfHashCandidates = 1024 };
        Assert.Equal(64.0, options.Delta);
        Assert.Equal(16, options.ContextWidth);
        Assert.Equal(1024, options.SelfHashCandidates);
        Assert.Equal(1, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = 1 }.ContextWidth);
        Assert.Equal(1, new DetectionOptions { MinimumScoredTokens = 1 }.MinimumScoredTokens);
        Assert.Equal(4, new LocalizationOptions { MinimumWindow = 4, WindowGrowth = 4.0 }.MinimumWindow);
    }

    [Fact]
    public void SelfHash_with_width_1_is_refused_by_KgwScheme_Create()
    {
        var options = new KgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 1 };
        var ex = Assert.Throws<ArgumentException>(() => KgwScheme.Create(TestData.FixedKey, options, 1_000));
        Assert.Equal(nameof(KgwOptions.ContextWidth), ex.ParamName);
        Assert.Throws<ArgumentException>(options.Validate);

        // Width 2 is the smallest SelfHash, and LeftHash with width 1 is fine.
        Assert.Equal(1, KgwScheme.Create(TestData.FixedKey, options with { ContextWidth = 2 }, 1_000).Options.PrefixLength);
        Assert.Equal(1, KgwScheme.Create(TestData.FixedKey, options with { Seeding = KgwSeeding.LeftHash }, 1_000).Options.PrefixLength);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MinValue)]
    public void A_vocabulary_below_2_is_refused(int vocabularySize)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => KgwScheme.Create(TestData.FixedKey, KgwOptions.LeftHash, vocabularySize));
        Assert.Equal("vocabularySize", ex.ParamName);
        Assert.Equal(2, KgwScheme.Create(TestData.FixedKey, KgwOptions.LeftHash, 2).VocabularySize);
    }

    [Fact]
    public void KgwScheme_Create_refuses_a_null_key()
    {
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => KgwScheme.Create(null!, null, 100)).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void MinimumScoredTokens_below_1_is_refused(int minimum)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new DetectionOptions { MinimumScoredTokens = minimum });
        Assert.Equal(nameof(DetectionOptions.MinimumScoredTokens), ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    public void Localization_alpha_outside_the_open_unit_interval_is_refused(double alpha)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalizationOptions { Alpha = alpha });
        Assert.Equal(nameof(LocalizationOptions.Alpha), ex.ParamName);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Localization_minimum_window_below_4_is_refused(int window)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalizationOptions { MinimumWindow = window });
        Assert.Equal(nameof(LocalizationOptions.MinimumWindow), ex.ParamName);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(4.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Localization_window_growth_outside_1_to_4_is_refused(double growth)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalizationOptions { WindowGrowth = growth });
        Assert.Equal(nameof(LocalizationOptions.WindowGrowth), ex.ParamName);
    }

    [Fact]
    public void Localization_maximum_spans_below_1_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalizationOptions { MaximumSpans = 0 });
        Assert.Equal(nameof(LocalizationOptions.MaximumSpans), ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void IsWatermarked_refuses_alpha_outside_the_open_unit_interval(double alpha)
    {
        var scheme = KgwScheme.Create(TestData.FixedKey, KgwOptions.LeftHash, 1_000);
        DetectionResult scored = scheme.Detect(TestData.RandomTokens(new Random(1), 100, 1_000));
        DetectionResult empty = scheme.Detect([]);
        foreach (DetectionResult result in new[] { scored, empty })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => result.IsWatermarked(alpha));
            Assert.Equal("alpha", ex.ParamName);
        }

        Assert.Equal(DetectionStatus.Scored, scored.Status);
        Assert.False(scored.IsWatermarked(1e-6));
    }
}
