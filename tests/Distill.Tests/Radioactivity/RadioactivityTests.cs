using System;
using System.Linq;
using Distill.Detection;
using Distill.ExpEdit;
using Distill.GreenList;
using Distill.Radioactivity;

namespace Distill.Tests.Radioactivity;

public sealed class RadioactivityTests
{
    [Fact]
    public void ContextHash_v1_matches_its_known_answers()
    {
        // The values of docs/radioactivity.md (stored filters depend on them: never change them).
        // Computed by an independent Python implementation.
        Assert.Equal(0x84640B345814D60AUL, ContextHash.Of([]));
        Assert.Equal(0xDAE595775326BEDBUL, ContextHash.Of([0]));
        Assert.Equal(0x6833829CFF998F35UL, ContextHash.Of([1, 2]));
        Assert.Equal(0x768EEB258F098952UL, ContextHash.Of([199_997, 5, 42]));
    }

    [Fact]
    public void EXP_edit_has_no_radioactivity_test_and_says_why()
    {
        WatermarkScheme scheme = ExpEditScheme.Create(TestData.FixedKey, ExpEditOptions.Default, 1_000);
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => new ClosedModelTest(scheme));
        Assert.Contains("positions", e.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => new OpenModelTest(scheme));
        Assert.Throws<NotSupportedException>(() => ContextFilter.Create(scheme, []));
        Assert.False(ContextFilter.Supports(scheme));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void One_output_without_prompts_scores_as_detection_does(int width)
    {
        // The radioactivity test's values are detection's values: with one document, no prompts and
        // no filter, both deduplicate the same pairs and agree to the last bit. (Gumbel-max detection
        // skips repeated contexts, as its generation leaves them unwatermarked, so it scores fewer
        // tokens; its values are checked through calibration and power instead.)
        var random = new Random(width);
        int[] tokens = [.. Enumerable.Range(0, 3_000).Select(_ => (int)(1_000 * Math.Pow(random.NextDouble(), 3)))];
        foreach (WatermarkScheme scheme in new WatermarkScheme[]
        {
            KgwScheme.Create(TestData.FixedKey, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = width }, 1_000),
            KgwScheme.Create(TestData.FixedKey, new KgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = width + 1 }, 1_000),
        })
        {
            var test = new ClosedModelTest(scheme);
            test.AddOutput(tokens);
            RadioactivityResult r = test.GetResult();
            DetectionResult d = scheme.Detect(tokens);
            Assert.Equal(d.Statistic, r.Statistic);
            Assert.Equal(d.ScoredTokens, r.ScoredTokens);
            Assert.Equal(d.SkippedPrefix, r.SkippedPrefix);
            Assert.Equal(d.GreenTokens, r.GreenTokens);
            Assert.Equal(d.Score, r.Score);
            Assert.Equal(d.Log10PValue, r.Log10PValue);
        }
    }

    [Fact]
    public void Predictions_that_copy_the_context_would_fake_a_positive_if_scored()
    {
        // Why the open-model test skips contexts already seen in the text: a suspect that never saw
        // the key but copies what followed a context earlier in our watermarked text predicts green
        // tokens far more often than gamma there.
        var scheme = KgwScheme.Create(TestData.FixedKey, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = 1, Gamma = 0.25, Delta = 4 }, 50);
        var model = new ToyModel(50);
        var random = new Random(3);
        long copies = 0, green = 0;
        for (int d = 0; d < 20; d++)
        {
            int[] text = model.Generate([d], 200, random, scheme.CreateSession([d]));
            for (int i = 2; i < text.Length; i++)
            {
                int j = Array.LastIndexOf(text, text[i - 1], i - 2);
                if (j >= 0)
                {
                    copies++;
                    green += scheme.IsGreen(text.AsSpan(0, i), text[j + 1]) ? 1 : 0;
                }
            }
        }

        Assert.True(copies > 1_000);
        Assert.True(green > 0.5 * copies, $"{green} of {copies} copied predictions green (gamma 0.25)");
    }
}
