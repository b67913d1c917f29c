using System;
using System.Linq;
using System.Numerics;
using Distill.Detection;
using Distill.Statistics;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

public class SynthIdDetectionTests
{
    private const int Vocabulary = 32_000;

    [Fact]
    public void Detect_counts_the_ones_of_gvalues_of_each_scored_token()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        int[] tokens = TestData.RandomTokens(new Random(5), 200, Vocabulary);
        DetectionResult result = scheme.Detect(tokens);
        long ones = 0;
        for (int i = 4; i < tokens.Length; i++)
        {
            ones += BitOperations.PopCount(scheme.GValues(tokens.AsSpan(0, i), tokens[i]));
        }

        Assert.Equal(DetectionStatistic.MeanGValue, result.Statistic);
        Assert.Equal(196, result.ScoredTokens);
        Assert.Equal(4, result.SkippedPrefix);
        Assert.Equal((double)ones / (196 * 30), result.Score, 1e-15);
        Assert.Equal(Binomial.Log10UpperTail(ones, 196 * 30, 0.5), result.Log10PValue, 1e-12);
    }

    [Fact]
    public void Null_calibration_of_mean_and_weighted_over_2000_keys()
    {
        const int keys = 2000;
        int[] tokens = TestData.RandomTokens(new Random(77), 60, Vocabulary);
        int meanHits = 0, weightedHits = 0, meanHits10 = 0, weightedHits10 = 0;
        for (int k = 0; k < keys; k++)
        {
            var scheme = SynthIdScheme.Create(TestData.KeyFor(10_000 + k), null, Vocabulary);
            double mean = scheme.Detect(tokens).PValue;
            double weighted = scheme.DetectWeighted(tokens).PValue;
            meanHits += mean <= 0.01 ? 1 : 0;
            weightedHits += weighted <= 0.01 ? 1 : 0;
            meanHits10 += mean <= 0.1 ? 1 : 0;
            weightedHits10 += weighted <= 0.1 ? 1 : 0;
        }

        // The mean's p-value is exact (up to the discreteness of the count): P[p <= a] <= a, close to it.
        var (lo, hi) = Binomial.ConfidenceInterval(meanHits, keys, 0.999);
        Assert.True(lo <= 0.01 && 0.01 <= hi, $"mean: {meanHits}/{keys} at 0.01 (interval {lo:F4}..{hi:F4})");
        Assert.InRange(meanHits10, 0.1 * keys * 0.75, 0.1 * keys * 1.25);

        // The weighted one is a Chernoff bound: never anti-conservative, and conservative.
        Assert.True(Binomial.ConfidenceInterval(weightedHits, keys, 0.999).Lower <= 0.01, $"weighted: {weightedHits}/{keys} at 0.01");
        Assert.True(Binomial.ConfidenceInterval(weightedHits10, keys, 0.999).Lower <= 0.1, $"weighted: {weightedHits10}/{keys} at 0.1");
        Assert.True(weightedHits10 > 0, "The weighted bound is not vacuous.");
    }

    [Fact]
    public void Chernoff_bound_is_never_below_the_exact_weighted_tail()
    {
        // Exact distribution of sum_l w_l K_l by enumeration for depth 3, n = 4 (integer lattice after scaling).
        const int depth = 3, n = 4;
        double[] w = SynthIdStatistics.Weights(depth);
        var random = new Random(1);
        var probabilities = new System.Collections.Generic.Dictionary<(int, int, int), double>();
        for (int a = 0; a <= n; a++)
        {
            for (int b = 0; b <= n; b++)
            {
                for (int c = 0; c <= n; c++)
                {
                    probabilities[(a, b, c)] = Math.Exp(Binomial.LogProbability(a, n, 0.5) + Binomial.LogProbability(b, n, 0.5) + Binomial.LogProbability(c, n, 0.5));
                }
            }
        }

        foreach (var ((a, b, c), _) in probabilities)
        {
            double s = (w[0] * a) + (w[1] * b) + (w[2] * c);
            double exact = probabilities.Where(kv => (w[0] * kv.Key.Item1) + (w[1] * kv.Key.Item2) + (w[2] * kv.Key.Item3) >= s - 1e-12).Sum(kv => kv.Value);
            double bound = Math.Exp(SynthIdStatistics.LogWeightedTail([a, b, c], n, w));
            Assert.True(bound >= exact * (1 - 1e-9), $"({a},{b},{c}): bound {bound} < exact {exact}");
        }

        Assert.Equal(-n * depth * Math.Log(2), SynthIdStatistics.LogWeightedTail([n, n, n], n, w), 1e-12);
        Assert.Equal(0.0, SynthIdStatistics.LogWeightedTail([0, 1, 2], n, w));
    }

    [Fact]
    public void Weights_are_the_reference_linspace_normalized_to_the_depth()
    {
        double[] w = SynthIdStatistics.Weights(30);
        Assert.Equal(30.0, w.Sum(), 1e-12);
        Assert.Equal(300.0 / 165.0, w[0], 1e-12);
        Assert.Equal(10.0, w[0] / w[^1], 1e-12);
        Assert.Equal([1.0], SynthIdStatistics.Weights(1));
    }

    [Fact]
    public void Watermarked_sampling_is_detected_with_tiny_p_values()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        var random = new Random(8);
        int[] tokens = SynthIdTestData.SampleWatermarked(scheme.CreateSession([1, 2, 3, 4]), random, 200, 3.0);
        DetectionResult mean = scheme.Detect(tokens);
        DetectionResult weighted = scheme.DetectWeighted(tokens);
        Assert.True(mean.Log10PValue < -10, mean.ToString());
        Assert.True(weighted.Log10PValue < -10, weighted.ToString());
        Assert.True(mean.Score > 0.55, mean.ToString());
        Assert.Equal(DetectionStatistic.WeightedMeanGValue, weighted.Statistic);

        // Another key sees nothing.
        var other = SynthIdScheme.Create(TestData.KeyFor(1), null, Vocabulary);
        Assert.True(other.Detect(tokens).Log10PValue > -3);

        // Unwatermarked sampling from the same model is not detected.
        int[] plain = SynthIdTestData.SampleUnwatermarked(Vocabulary, random, 200, 3.0);
        Assert.True(scheme.Detect(plain).Log10PValue > -3);
    }

    [Fact]
    public void Repeated_pairs_are_scored_once_and_repeated_contexts_are_masked()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        int[] block = TestData.RandomTokens(new Random(9), 50, Vocabulary);
        int[] twice = [.. block, .. block];
        DetectionResult once = scheme.Detect(block);
        DetectionResult both = scheme.Detect(twice);

        // The second copy: its first 4 positions straddle the junction (new contexts, scored); the
        // other 46 have contexts seen 50 positions before, within the history: masked.
        Assert.Equal(once.ScoredTokens + 4, both.ScoredTokens);
        Assert.Equal(46, both.SkippedRepeated);

        // Without masking (history 0), deduplication alone skips the same 46 repeats.
        var unmasked = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { ContextHistory = 0 }, Vocabulary);
        Assert.Equal(46, unmasked.Detect(twice).SkippedRepeated);
        Assert.Equal(0, unmasked.Detect(twice, new DetectionOptions { Deduplicate = false }).SkippedRepeated);

        // Masked, not deduplicated: the mask alone still skips them.
        Assert.Equal(46, scheme.Detect(twice, new DetectionOptions { Deduplicate = false }).SkippedRepeated);

        // A repeat farther back than the history is not masked (but deduplicated).
        var short_ = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { ContextHistory = 10 }, Vocabulary);
        Assert.Equal(0, short_.Detect(twice, new DetectionOptions { Deduplicate = false }).SkippedRepeated);
        Assert.Equal(46, short_.Detect(twice).SkippedRepeated);
    }

    [Fact]
    public void Localize_finds_a_watermarked_span_inside_unwatermarked_text()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        var random = new Random(12);
        int[] before = TestData.RandomTokens(random, 300, Vocabulary);
        int[] marked = SynthIdTestData.SampleWatermarked(scheme.CreateSession(before.AsSpan(296)), random, 150, 3.0);
        int[] after = TestData.RandomTokens(random, 300, Vocabulary);
        int[] text = [.. before, .. marked, .. after];
        LocalizationResult result = scheme.Localize(text);
        Assert.NotEmpty(result.Spans);
        WatermarkedSpan best = result.Spans[0];
        Assert.True(best.Start >= 250 && best.End <= 500, $"{best.Start}..{best.End}");
        Assert.True(best.Log10PValue < -5);

        Assert.Empty(scheme.Localize(TestData.RandomTokens(new Random(13), 800, Vocabulary)).Spans);
    }

    [Fact]
    public void Too_few_scored_tokens_give_insufficient_status()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        DetectionResult result = scheme.Detect([1, 2, 3, 4, 5, 6]);
        Assert.Equal(DetectionStatus.InsufficientTokens, result.Status);
        Assert.Equal(0.0, result.Log10PValue);
        Assert.Equal(0, scheme.Detect([]).ScoredTokens);
        Assert.Equal(0.0, scheme.DetectWeighted([]).Log10PValue);
    }
}
