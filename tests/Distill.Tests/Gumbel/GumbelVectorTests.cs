using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Distill.Detection;
using Distill.Gumbel;

namespace Distill.Tests.Gumbel;

/// <summary>Known answers from docs/schemes/gumbel_reference.py, an independent implementation of docs/schemes/gumbel.md.</summary>
public class GumbelVectorTests
{
    private static readonly JsonDocument s_vectors = TestData.Json("gumbel_v1_vectors.json");
    private static readonly GumbelPrf s_prf = new(TestData.FixedKey.Derive(GumbelScheme.SubKeyPurpose));

    private static JsonElement Root => s_vectors.RootElement;

    private static ulong U64(JsonElement e, string name) => ulong.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static double F64(JsonElement e, string name) => double.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    public void Sub_key_context_seeds_variant_words_and_step_seeds_match()
    {
        Assert.Equal(Root.GetProperty("subKeyHex").GetString(), Convert.ToHexStringLower(TestData.FixedKey.Derive(GumbelScheme.SubKeyPurpose).ToBytes()));
        foreach (JsonElement c in Root.GetProperty("contextSeeds").EnumerateArray())
        {
            ulong[] hashes = c.GetProperty("context").EnumerateArray().Select(t => s_prf.TokenHash(t.GetInt32())).ToArray();
            Assert.Equal(U64(c, "seed"), s_prf.ContextSeed(hashes));
        }

        ulong[] words = Root.GetProperty("variantWords").EnumerateArray().Select(e => ulong.Parse(e.GetString()!, CultureInfo.InvariantCulture)).ToArray();
        for (int v = 0; v < words.Length; v++)
        {
            Assert.Equal(words[v], s_prf.VariantWord(v));
        }

        ulong context = s_prf.ContextSeed([s_prf.TokenHash(1), s_prf.TokenHash(2), s_prf.TokenHash(3), s_prf.TokenHash(4)]);
        foreach (JsonElement s in Root.GetProperty("stepSeeds").EnumerateArray())
        {
            Assert.Equal(U64(s, "seed"), GumbelPrf.StepSeed(context, s_prf.VariantWord(s.GetProperty("variant").GetInt32())));
        }
    }

    [Fact]
    public void Words_uniforms_and_values_match()
    {
        foreach (JsonElement w in Root.GetProperty("words").EnumerateArray())
        {
            ulong seed = U64(w, "seed");
            int token = w.GetProperty("token").GetInt32();
            ulong word = GumbelPrf.Word(seed, token);
            Assert.Equal(U64(w, "word"), word);
            Assert.Equal(F64(w, "r"), GumbelPrf.Uniform(word));
            Assert.Equal(F64(w, "q"), GumbelPrf.Complement(word));
            Assert.Equal(F64(w, "value"), GumbelPrf.TokenValue(seed, token));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Choices_match(bool vectorized)
    {
        float[] small = Root.GetProperty("smallLogits").EnumerateArray().Select(e => float.Parse(e.GetString()!, CultureInfo.InvariantCulture)).ToArray();
        float[] big = new float[1000];
        for (int i = 0; i < big.Length; i++)
        {
            ulong z = Prf.PrfV1.Mix64((ulong)i + 0x1234);
            big[i] = z % 13 == 0 ? float.NegativeInfinity : ((z % 1024) / 64f) - 8f;
        }

        bool saved = GumbelChoice.UseVector512;
        try
        {
            GumbelChoice.UseVector512 = vectorized && saved;
            foreach (JsonElement c in Root.GetProperty("choices").EnumerateArray())
            {
                float[] logits = c.GetProperty("logits").GetString() == "small" ? small : big;
                Assert.Equal(c.GetProperty("token").GetInt32(), GumbelChoice.Choose(logits, U64(c, "seed")));
            }
        }
        finally
        {
            GumbelChoice.UseVector512 = saved;
        }
    }

    [Fact]
    public void Detection_counts_sums_and_p_values_match()
    {
        JsonElement detection = Root.GetProperty("detection");
        int[] tokens = detection.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        foreach (JsonElement c in detection.GetProperty("cases").EnumerateArray())
        {
            var options = new GumbelOptions { ContextWidth = c.GetProperty("contextWidth").GetInt32(), Variants = c.GetProperty("variants").GetInt32() };
            GumbelScheme scheme = GumbelScheme.Create(TestData.FixedKey, options, detection.GetProperty("vocabularySize").GetInt32());
            bool deduplicate = c.GetProperty("deduplicate").GetBoolean();
            DetectionResult result = scheme.Detect(tokens, new DetectionOptions { Deduplicate = deduplicate });
            Assert.Equal(c.GetProperty("scored").GetInt64(), result.ScoredTokens);
            Assert.Equal(c.GetProperty("skippedPrefix").GetInt64(), result.SkippedPrefix);
            Assert.Equal(c.GetProperty("skippedRepeated").GetInt64(), result.SkippedRepeated);
            double[] scores = c.GetProperty("fixedSums").EnumerateArray().Select(e => (double)UInt128.Parse(e.GetString()!, CultureInfo.InvariantCulture) / GumbelScheme.FixedScale).ToArray();
            Assert.Contains(result.Score, scores);
            double expected = c.GetProperty("log10PValue").GetDouble();
            Assert.True(Math.Abs(expected - result.Log10PValue) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{expected} vs {result.Log10PValue}");
        }
    }
}
