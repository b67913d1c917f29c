using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;

namespace Distill.Tests.GreenList;

/// <summary>Known answers from docs/prf_reference.py, an independent implementation of docs/prf.md.</summary>
public class PrfVectorTests
{
    private static readonly JsonDocument s_vectors = TestData.Json("kgw_v1_vectors.json");
    private static JsonElement Root => s_vectors.RootElement;
    private static readonly PrfV1 s_prf = PrfV1.FromKey(TestData.FixedKey.Derive(KgwScheme.SubKeyPurpose));

    [Fact]
    public void Key_id_and_derivations_match()
    {
        Assert.Equal(Root.GetProperty("masterKeyHex").GetString(), Convert.ToHexStringLower(TestData.FixedKey.ToBytes()));
        Assert.Equal(Root.GetProperty("keyId").GetString(), TestData.FixedKey.KeyId);
        foreach (JsonElement d in Root.GetProperty("derivations").EnumerateArray())
        {
            WatermarkKey derived = TestData.FixedKey.Derive(d.GetProperty("purpose").GetString()!, d.GetProperty("tenant").GetString()!);
            Assert.Equal(d.GetProperty("keyHex").GetString(), Convert.ToHexStringLower(derived.ToBytes()));
        }
    }

    [Fact]
    public void Token_hashes_and_seeds_match()
    {
        foreach (JsonElement t in Root.GetProperty("tokenHash").EnumerateArray())
        {
            Assert.Equal(ulong.Parse(t.GetProperty("hash").GetString()!), s_prf.TokenHash(t.GetProperty("token").GetInt32()));
        }

        foreach (JsonElement t in Root.GetProperty("leftSeed").EnumerateArray())
        {
            ulong state = s_prf.LeftSeedStart();
            foreach (JsonElement c in t.GetProperty("context").EnumerateArray())
            {
                state = PrfV1.LeftSeedStep(state, s_prf.TokenHash(c.GetInt32()));
            }

            Assert.Equal(ulong.Parse(t.GetProperty("seed").GetString()!), state);
        }

        foreach (JsonElement t in Root.GetProperty("selfSeed").EnumerateArray())
        {
            ulong[] previous = t.GetProperty("previous").EnumerateArray().Select(e => s_prf.TokenHash(e.GetInt32())).ToArray();
            ulong seed = s_prf.SelfSeed(previous, s_prf.TokenHash(t.GetProperty("candidate").GetInt32()));
            Assert.Equal(ulong.Parse(t.GetProperty("seed").GetString()!), seed);
        }

        foreach (JsonElement t in Root.GetProperty("greenValue").EnumerateArray())
        {
            uint value = PrfV1.GreenValue(ulong.Parse(t.GetProperty("seed").GetString()!), t.GetProperty("token").GetInt32());
            Assert.Equal(t.GetProperty("value").GetUInt32(), value);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Green_lists_from_the_vectorized_bias_match(bool vectors)
    {
        foreach (JsonElement g in Root.GetProperty("greenLists").EnumerateArray())
        {
            int vocabularySize = g.GetProperty("vocabularySize").GetInt32();
            var scheme = KgwScheme.Create(TestData.FixedKey, KgwOptions.LeftHash, vocabularySize);
            var logits = new float[vocabularySize];
            GreenBias.Apply(logits, ulong.Parse(g.GetProperty("seed").GetString()!), scheme.Threshold, 1f, vectors);
            int[] green = Enumerable.Range(0, vocabularySize).Where(i => logits[i] == 1f).ToArray();
            Assert.Equal(g.GetProperty("count").GetInt32(), green.Length);
            Assert.Equal(g.GetProperty("first20").EnumerateArray().Select(e => e.GetInt32()), green.Take(20));
            string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(',', green))));
            Assert.Equal(g.GetProperty("sha256").GetString(), sha);

            // The session, fed the same context, biases exactly that list.
            int[] context = g.GetProperty("context").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var session = scheme.CreateSession(context);
            var biased = new float[vocabularySize];
            session.ProcessLogits(biased);
            Assert.Equal(green, Enumerable.Range(0, vocabularySize).Where(i => biased[i] == 2f));
        }
    }

    [Fact]
    public void Detection_counts_and_p_values_match()
    {
        int[] sequence = Root.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int checkedCount = 0;
        foreach (JsonElement d in Root.GetProperty("detections").EnumerateArray())
        {
            var options = new KgwOptions
            {
                Seeding = Enum.Parse<KgwSeeding>(d.GetProperty("seeding").GetString()!),
                ContextWidth = d.GetProperty("contextWidth").GetInt32(),
                Gamma = d.GetProperty("gamma").GetDouble(),
            };
            var scheme = KgwScheme.Create(TestData.FixedKey, options, 32000);
            var scores = new TokenScore[sequence.Length];
            DetectionResult result = scheme.ScoreTokens(sequence, scores, new DetectionOptions { Deduplicate = d.GetProperty("deduplicate").GetBoolean() });
            Assert.Equal(d.GetProperty("scored").GetInt64(), result.ScoredTokens);
            Assert.Equal(d.GetProperty("green").GetInt64(), result.GreenTokens);
            Assert.Equal(d.GetProperty("skippedPrefix").GetInt64(), result.SkippedPrefix);
            Assert.Equal(d.GetProperty("skippedRepeated").GetInt64(), result.SkippedRepeated);
            Assert.Equal(d.GetProperty("perToken").EnumerateArray().Select(e => Enum.Parse<TokenScore>(e.GetString()!)), scores);
            double expected = d.GetProperty("log10PValue").GetDouble();
            Assert.True(Math.Abs(expected - result.Log10PValue) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{expected} vs {result.Log10PValue}");
            checkedCount++;
        }

        Assert.Equal(12, checkedCount);
    }
}
