using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>transformers' SynthID-Text detection quantities on the shared vectors: table, n-gram keys, g-values, masks, mean scores.</summary>
public sealed class HfSynthIdDetectionTests
{
    private static readonly JsonElement Root = TestData.Json("interop/synthid_vectors.json").RootElement;

    private static HfSynthIdDetection Create()
    {
        JsonElement config = Root.GetProperty("config");
        return new HfSynthIdDetection(
            [.. config.GetProperty("keys").EnumerateArray().Select(e => e.GetInt64())],
            config.GetProperty("ngram_len").GetInt32(),
            config.GetProperty("sampling_table_size").GetInt32(),
            config.GetProperty("sampling_table_seed").GetUInt64());
    }

    private static string Bits(bool[] mask) => string.Concat(mask.Select(b => b ? '1' : '0'));

    [Fact]
    public void The_sampling_table_matches()
    {
        HfSynthIdDetection detector = Create();
        JsonElement table = Root.GetProperty("sampling_table");
        Assert.Equal(table.GetProperty("first64").GetString(), string.Concat(detector.Table[..64].ToArray().Select(b => (char)('0' + b))));
        Assert.Equal(table.GetProperty("ones").GetInt32(), detector.Table.ToArray().Count(b => b == 1));
        Assert.Equal(table.GetProperty("sha256_of_bytes").GetString(), Convert.ToHexStringLower(SHA256.HashData(detector.Table)));
    }

    [Fact]
    public void Keys_g_values_masks_and_scores_of_every_sequence_match()
    {
        HfSynthIdDetection detector = Create();
        int eos = Root.GetProperty("eos_token_id").GetInt32();
        int sequences = 0;
        foreach (JsonElement s in Root.GetProperty("sequences").EnumerateArray())
        {
            int[] tokens = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            var result = detector.Score(tokens, eos);
            Assert.Equal(s.GetProperty("num_ngrams").GetInt32(), result.GValues.Length);
            string[] g = [.. s.GetProperty("g_values").EnumerateArray().Select(e => e.GetString()!)];
            Assert.Equal(g, result.GValues.Select(row => string.Concat(row.Select(b => (char)('0' + b)))));
            JsonElement[] keys = [.. s.GetProperty("ngram_keys_first3").EnumerateArray()];
            var ours = new long[detector.Depth];
            for (int i = 0; i < keys.Length; i++)
            {
                detector.NgramKeys(tokens.AsSpan(i, detector.NgramLength), ours);
                Assert.Equal(keys[i].EnumerateArray().Select(e => e.GetInt64()), ours);
            }

            Assert.Equal(s.GetProperty("context_repetition_mask").GetString(), Bits(result.Repetition));
            Assert.Equal(s.GetProperty("eos_mask").GetString(), Bits(result.Eos));
            Assert.Equal(s.GetProperty("combined_mask").GetString(), Bits([.. result.Repetition.Zip(result.Eos, (a, b) => a && b)]));
            Compare(s, "mean_score", result.Mean);
            Compare(s, "weighted_mean_score", result.WeightedMean);
            Compare(s, "mean_score_unmasked_all", result.MeanAll);
            Compare(s, "weighted_mean_score_unmasked_all", result.WeightedMeanAll);
            sequences++;
        }

        Assert.Equal(9, sequences);

        JsonElement step = Root.GetProperty("processor_steps")[0];
        long[] context = [.. step.GetProperty("context").EnumerateArray().Select(e => e.GetInt64())];
        Assert.Equal(step.GetProperty("context_hash").GetInt64(), HfSynthIdDetection.Hash(1, context));
    }

    private static void Compare(JsonElement s, string field, double actual)
    {
        if (!s.TryGetProperty(field, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            Assert.True(double.IsNaN(actual), $"{field}: expected no value, got {actual}");
            return;
        }

        Assert.True(Math.Abs(e.GetDouble() - actual) < 1e-9, $"{field}: {actual} vs {e.GetDouble()}");
    }
}
