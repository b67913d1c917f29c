using System;
using System.Linq;
using Distill.Detection;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

public class SynthIdBadInputTests
{
    [Fact]
    public void Bad_logits_and_tokens_throw_and_change_nothing()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, 100);
        var session = scheme.CreateSession([1, 2, 3, 4]);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var logits = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
            logits[50] = bad;
            float[] copy = (float[])logits.Clone();
            Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
            Assert.Equal(copy, logits);
        }

        Assert.Throws<ArgumentException>(() => session.ProcessLogits(new float[99]));
        long position = session.Position;
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Reset([5, 100]));
        Assert.Equal(position, session.Position);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([-3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect([1, 2, 100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.DetectWeighted([1, 2, -1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Localize([100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateAccumulator().Append(100));
        Assert.Throws<ArgumentException>(() => scheme.GValues([1, 2, 3], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.GValues([1, 2, 3, 4], 100));
    }

    [Fact]
    public void Bad_options_and_descriptors_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthIdOptions { Depth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthIdOptions { Depth = 65 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthIdOptions { ContextWidth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthIdOptions { TopK = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthIdOptions { ContextHistory = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => SynthIdScheme.Create(TestData.FixedKey, null, 1));
        Assert.Throws<ArgumentNullException>(() => SynthIdScheme.Create(null!, null, 100));

        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, 100, "o200k_base");
        var same = SynthIdScheme.FromDescriptor(scheme.Descriptor, TestData.FixedKey);
        Assert.Equal(scheme.Descriptor.Hash, same.Descriptor.Hash);
        Assert.Throws<ArgumentException>(() => SynthIdScheme.FromDescriptor(scheme.Descriptor, TestData.KeyFor(1)));
        Assert.Throws<NotSupportedException>(() => SynthIdScheme.FromDescriptor(scheme.Descriptor with { SchemeVersion = 2 }, TestData.FixedKey));
        var kgw = Distill.GreenList.KgwScheme.Create(TestData.FixedKey, null, 100);
        Assert.Throws<ArgumentException>(() => SynthIdScheme.FromDescriptor(kgw.Descriptor, TestData.FixedKey));
        Assert.Throws<DescriptorMismatchException>(() => scheme.GetWeightedResult(kgw.CreateAccumulator()));

        // Each parameter changes the descriptor hash.
        string[] hashes =
        [
            scheme.Descriptor.Hash,
            SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { Depth = 29 }, 100, "o200k_base").Descriptor.Hash,
            SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { ContextWidth = 3 }, 100, "o200k_base").Descriptor.Hash,
            SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { TopK = 41 }, 100, "o200k_base").Descriptor.Hash,
            SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { ContextHistory = 1023 }, 100, "o200k_base").Descriptor.Hash,
        ];
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void A_profile_creates_the_scheme()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, 1000);
        var profile = new WatermarkProfile(scheme.Descriptor, TestData.FixedKey);
        WatermarkScheme created = profile.CreateScheme();
        Assert.IsType<SynthIdScheme>(created);
        int[] tokens = TestData.RandomTokens(new Random(1), 100, 1000);
        Assert.Equal(scheme.Detect(tokens).Log10PValue, created.Detect(tokens).Log10PValue);

        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"synthid-{Guid.NewGuid():N}.json");
        try
        {
            profile.Save(path);
            var loaded = WatermarkProfile.Load(path);
            Assert.Equal(scheme.Descriptor.Hash, loaded.CreateScheme().Descriptor.Hash);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
