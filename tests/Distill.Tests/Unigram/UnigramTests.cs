using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Detection;
using Distill.Unigram;

namespace Distill.Tests.Unigram;

public class UnigramTests
{
    private const string GoldenFile = "unigram_v1_golden.json";
    private const int Vocabulary = 50_000;

    [Fact]
    public void Released_outputs_are_unchanged()
    {
        JsonObject actual = Compute();
        if (TestData.ReadOrWriteGolden(GoldenFile, actual) is not { } expected)
        {
            return;
        }

        foreach (var (name, node) in actual)
        {
            if (name == "log10PValue")
            {
                double e = expected[name]!.GetValue<double>(), a = node!.GetValue<double>();
                Assert.True(Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"log10PValue: {e} vs {a}");
                continue;
            }

            Assert.True(JsonNode.DeepEquals(expected[name], node), $"{name}: expected {expected[name]?.ToJsonString()}, got {node?.ToJsonString()}");
        }
    }

    [Fact]
    public void The_bias_adds_delta_to_exactly_the_green_tokens_on_every_path()
    {
        var scheme = UnigramScheme.Create(TestData.FixedKey, new UnigramOptions { Gamma = 0.3, Delta = 1.5 }, 4_099);
        var random = new Random(1);
        float[] logits = Enumerable.Range(0, scheme.VocabularySize).Select(i => i % 17 == 0 ? float.NegativeInfinity : (float)random.NextDouble()).ToArray();
        float[] viaSession = (float[])logits.Clone(), scalar = (float[])logits.Clone();
        scheme.CreateSession([]).ProcessLogits(viaSession);
        Distill.GreenList.GreenBias.Apply(scalar, scheme.Seed, scheme.Threshold, scheme.DeltaSingle, allowVectors: false);
        for (int i = 0; i < logits.Length; i++)
        {
            float oracle = scheme.IsGreen(i) ? logits[i] + 1.5f : logits[i];
            Assert.Equal(BitConverter.SingleToInt32Bits(oracle), BitConverter.SingleToInt32Bits(viaSession[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(oracle), BitConverter.SingleToInt32Bits(scalar[i]));
        }

        double green = Enumerable.Range(0, scheme.VocabularySize).Count(scheme.IsGreen) / (double)scheme.VocabularySize;
        Assert.InRange(green, 0.27, 0.33);
    }

    [Fact]
    public void Each_distinct_token_is_scored_once()
    {
        var scheme = UnigramScheme.Create(TestData.FixedKey, null, 1_000);
        int[] tokens = [5, 6, 5, 7, 5, 6, 8];
        DetectionResult result = scheme.Detect(tokens);
        Assert.Equal(7, result.TokenCount);
        Assert.Equal(4, result.ScoredTokens);
        Assert.Equal(3, result.SkippedRepeated);
        Assert.Equal(0, result.SkippedPrefix);
        Assert.Equal(new[] { 5, 6, 7, 8 }.Count(scheme.IsGreen), result.GreenTokens);
        DetectionResult all = scheme.Detect(tokens, new DetectionOptions { Deduplicate = false, MinimumScoredTokens = 1 });
        Assert.Equal(7, all.ScoredTokens);

        var scores = new TokenScore[tokens.Length];
        scheme.ScoreTokens(tokens, scores);
        Assert.Equal(TokenScore.Repeated, scores[2]);
        Assert.Equal(scheme.IsGreen(5) ? TokenScore.Green : TokenScore.Red, scores[0]);
    }

    [Fact]
    public void A_repeated_green_token_cannot_fake_a_detection()
    {
        var scheme = UnigramScheme.Create(TestData.FixedKey, null, 1_000);
        int green = Enumerable.Range(0, 1_000).First(scheme.IsGreen);
        DetectionResult result = scheme.Detect(Enumerable.Repeat(green, 500).ToArray());
        Assert.Equal(1, result.ScoredTokens);
        Assert.Equal(DetectionStatus.InsufficientTokens, result.Status);
    }

    [Fact]
    public void Greenness_survives_any_edit_of_the_neighbours()
    {
        // The property behind Unigram's robustness: a token's greenness does not depend on its context.
        var scheme = UnigramScheme.Create(TestData.FixedKey, null, 1_000);
        var random = new Random(2);
        int[] tokens = TestData.RandomTokens(random, 300, 1_000);
        var scores = new TokenScore[tokens.Length];
        scheme.ScoreTokens(tokens, scores, new DetectionOptions { Deduplicate = false });
        int[] edited = tokens.SelectMany(t => new[] { random.Next(1_000), t }).ToArray();
        var editedScores = new TokenScore[edited.Length];
        scheme.ScoreTokens(edited, editedScores, new DetectionOptions { Deduplicate = false });
        for (int i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(scores[i], editedScores[(2 * i) + 1]);
        }
    }

    [Fact]
    public void Options_and_descriptors_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnigramOptions { Gamma = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnigramOptions { Gamma = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnigramOptions { Delta = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => UnigramScheme.Create(TestData.FixedKey, null, 1));
        var scheme = UnigramScheme.Create(TestData.FixedKey, null, 1_000, "o200k_base");
        Assert.Throws<ArgumentException>(() => UnigramScheme.FromDescriptor(scheme.Descriptor, TestData.KeyFor(3)));
        Assert.Throws<NotSupportedException>(() => UnigramScheme.FromDescriptor(scheme.Descriptor with { SchemeVersion = 2 }, TestData.FixedKey));
        Assert.Throws<ArgumentException>(() => UnigramScheme.FromDescriptor(Distill.GreenList.KgwScheme.Create(TestData.FixedKey, null, 1_000).Descriptor, TestData.FixedKey));
        Assert.Equal(scheme.Descriptor.Hash, UnigramScheme.FromDescriptor(scheme.Descriptor, TestData.FixedKey).Descriptor.Hash);
        Assert.NotEqual(scheme.Descriptor.Hash, UnigramScheme.Create(TestData.FixedKey, new UnigramOptions { Gamma = 0.25 }, 1_000, "o200k_base").Descriptor.Hash);
    }

    private static JsonObject Compute()
    {
        var scheme = UnigramScheme.Create(TestData.FixedKey, UnigramOptions.Default, Vocabulary, "o200k_base");
        var random = new Random(20261201);
        float[] logits = Enumerable.Range(0, Vocabulary).Select(i => i % 97 == 0 ? float.NegativeInfinity : (float)(random.NextDouble() * 10.0)).ToArray();
        scheme.CreateSession([]).ProcessLogits(logits);
        byte[] logitBytes = new byte[logits.Length * 4];
        Buffer.BlockCopy(logits, 0, logitBytes, 0, logitBytes.Length);
        string greenBits = string.Concat(Enumerable.Range(0, 64).Select(t => scheme.IsGreen(t) ? '1' : '0'));
        int[] tokens = TestData.GreedyWatermarked(scheme.CreateSession([]), new Random(5), 120, 3.0);
        DetectionResult result = scheme.Detect([.. tokens, .. tokens[..20]]);
        return new JsonObject
        {
            ["descriptorHash"] = scheme.Descriptor.Hash,
            ["greenTokens0To63"] = greenBits,
            ["biasedLogitsSha256"] = Convert.ToHexStringLower(SHA256.HashData(logitBytes)),
            ["generated"] = new JsonArray(tokens.Select(t => (JsonNode)t).ToArray()),
            ["scored"] = result.ScoredTokens,
            ["green"] = result.GreenTokens,
            ["skippedRepeated"] = result.SkippedRepeated,
            ["log10PValue"] = result.Log10PValue,
        };
    }
}
