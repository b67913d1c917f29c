using System;
using Distill.Gumbel;

namespace Distill.Tests.Gumbel;

public class GumbelBadInputTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Bad_logits_are_refused_and_nothing_changes(float bad)
    {
        GumbelScheme scheme = GumbelTestData.Scheme(1, vocabularySize: 100);
        GumbelSession session = (GumbelSession)scheme.CreateSession([1, 2, 3, 4]);
        float[] logits = GumbelTestData.NormalLogits(new Random(1), 100, 1.0);
        logits[57] = bad;
        float[] copy = (float[])logits.Clone();
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
        Assert.Throws<ArgumentException>(() => session.ChooseToken(logits));
        Assert.Equal(copy, logits);
    }

    [Fact]
    public void Wrong_lengths_and_all_masked_logits_are_refused()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(1, vocabularySize: 100);
        GumbelSession session = (GumbelSession)scheme.CreateSession([1, 2, 3, 4]);
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(new float[99]));
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(new float[101]));
        var masked = new float[100];
        Array.Fill(masked, float.NegativeInfinity);
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(masked));
        Assert.All(masked, l => Assert.True(float.IsNegativeInfinity(l)));
    }

    [Fact]
    public void Out_of_range_tokens_are_refused()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(1, vocabularySize: 100);
        GumbelSession session = (GumbelSession)scheme.CreateSession([1, 2, 3, 4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(-1));
        Assert.Equal(4, session.Position);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Reset([1, 100]));
        Assert.Equal(4, session.Position);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([-5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect([1, 2, 3, 100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Localize([1, 2, 3, 100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateAccumulator().Append([1, 2, 300]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateAccumulator().Append(-1));
        var values = new double[4];
        Assert.Throws<ArgumentException>(() => scheme.ScoreTokens([1, 2, 3, 4, 5], values));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.ScoreTokens([1, 2, 3, 4], values, variant: 1));
    }

    [Fact]
    public void Bad_options_and_variants_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GumbelOptions { ContextWidth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GumbelOptions { ContextWidth = 17 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GumbelOptions { Variants = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GumbelOptions { Variants = 1025 });
        Assert.Throws<ArgumentOutOfRangeException>(() => GumbelScheme.Create(TestData.FixedKey, null, 1));
        Assert.Throws<ArgumentNullException>(() => GumbelScheme.Create(null!, null, 100));
        GumbelScheme scheme = GumbelTestData.Scheme(1, variants: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([], -1));
    }

    [Fact]
    public void Descriptors_of_another_scheme_version_or_key_are_refused()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(1);
        WatermarkKey key = TestData.KeyFor(1);
        Assert.Equal(scheme.Descriptor.Hash, GumbelScheme.FromDescriptor(scheme.Descriptor, key).Descriptor.Hash);
        Assert.Throws<ArgumentException>(() => GumbelScheme.FromDescriptor(scheme.Descriptor, TestData.KeyFor(2)));
        Assert.Throws<NotSupportedException>(() => GumbelScheme.FromDescriptor(scheme.Descriptor with { SchemeVersion = 2 }, key));
        var kgw = Distill.GreenList.KgwScheme.Create(key, null, 1000);
        Assert.Throws<ArgumentException>(() => GumbelScheme.FromDescriptor(kgw.Descriptor, key));
        Assert.NotEqual(scheme.Descriptor.Hash, GumbelTestData.Scheme(1, variants: 2).Descriptor.Hash);
        Assert.NotEqual(scheme.Descriptor.Hash, GumbelTestData.Scheme(1, contextWidth: 3).Descriptor.Hash);
    }

    [Fact]
    public void Profiles_create_the_scheme()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(1, variants: 2);
        var profile = new WatermarkProfile(scheme.Descriptor, TestData.KeyFor(1));
        WatermarkScheme created = profile.CreateScheme();
        Assert.IsType<GumbelScheme>(created);
        Assert.Equal(scheme.Descriptor.Hash, created.Descriptor.Hash);

        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gumbel-profile-{Environment.ProcessId}.json");
        try
        {
            profile.Save(path, overwrite: true);
            WatermarkScheme loaded = WatermarkProfile.Load(path).CreateScheme();
            Assert.Equal(scheme.Descriptor.Hash, loaded.Descriptor.Hash);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
