using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>vLLM's Gumbel-max and dual-key detection on the shared sequences, and its dual-key sub-keys.</summary>
public sealed class VllmDetectionTests
{
    [Fact]
    public void Dual_key_sub_keys_match()
    {
        foreach (JsonElement c in TestData.Json("interop/vllm_derived_keys.json").RootElement.GetProperty("cases").EnumerateArray())
        {
            ulong key = ulong.Parse(c.GetProperty("key").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(ulong.Parse(c.GetProperty("key_a").GetString()!, CultureInfo.InvariantCulture), VllmDetection.DeriveKey(key, "key_a"));
            Assert.Equal(ulong.Parse(c.GetProperty("key_b").GetString()!, CultureInfo.InvariantCulture), VllmDetection.DeriveKey(key, "key_b"));
        }
    }

    [Fact]
    public void Scores_counts_and_p_values_of_every_sequence_match()
    {
        int checkedCount = 0;
        foreach (JsonElement s in TestData.Json("interop/vllm_sequences.json").RootElement.GetProperty("sequences").EnumerateArray())
        {
            int[] tokens = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            ulong key = ulong.Parse(s.GetProperty("key").GetString()!, CultureInfo.InvariantCulture);
            int width = s.GetProperty("context_width").GetInt32();
            double alpha = s.GetProperty("algorithm").GetString() == "dual_key_gumbel" ? s.GetProperty("alpha").GetDouble() : 0;
            foreach ((string mode, bool dedup) in new[] { ("dedup", true), ("no_dedup", false) })
            {
                JsonElement expected = s.GetProperty("detection").GetProperty(mode);
                Check(tokens, key, width, dedup, alpha, expected, $"{s.GetProperty("id").GetString()}/{mode}");
                checkedCount++;
            }

            if (!s.TryGetProperty("detection_wrong_key", out JsonElement wrong))
            {
                continue;
            }

            Check(tokens, ulong.Parse(wrong.GetProperty("key").GetString()!, CultureInfo.InvariantCulture), width, true, alpha, wrong, $"{s.GetProperty("id").GetString()}/wrong key");
        }

        Assert.Equal(24, checkedCount);
    }

    /// <summary>The profile the shared vectors describe, through the public API (integer key, descriptor, profile).</summary>
    internal static VllmGumbelScheme Scheme(ulong key, int width, double alpha, int vocabularySize = 32000)
    {
        var options = alpha > 0 ? new VllmOptions { ContextWidth = width, DualKey = true, Alpha = alpha } : new VllmOptions { ContextWidth = width };
        return VllmGumbelScheme.Create(WatermarkKey.FromIntegers([key]), options, vocabularySize);
    }

    private static void Check(int[] tokens, ulong key, int width, bool dedup, double alpha, JsonElement expected, string what)
    {
        var scores = new double[tokens.Length];
        ReferenceResult result = Scheme(key, width, alpha).DetectReference(tokens, dedup, scores);
        double sum = result.Score;
        long scored = result.ScoredCount;
        Assert.Equal("vLLM", result.Implementation);
        Assert.Null(result.ZScore);
        Assert.Equal(Math.Pow(10.0, result.Log10PValue!.Value), result.PValue);
        Assert.Equal(expected.GetProperty("num_scored_tokens").GetInt32(), scored);
        Assert.Equal(expected.GetProperty("is_watermarked").GetBoolean(), result.IsWatermarked);
        double expectedSum = expected.GetProperty("score").GetDouble();
        Assert.True(Math.Abs(expectedSum - sum) <= 1e-9 * Math.Max(1, expectedSum), $"{what}: score {sum} vs {expectedSum}");
        double[] expectedScores = [.. expected.GetProperty("token_scores").EnumerateArray().Select(e => e.GetDouble())];
        double[] ours = [.. scores.Where(x => !double.IsNaN(x))];
        Assert.Equal(expectedScores.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.True(Math.Abs(expectedScores[i] - ours[i]) <= 1e-9 * Math.Max(1, ours[i]), $"{what}: token {i}");
        }

        double p = expected.GetProperty("p_value").GetDouble();
        double log10 = result.Log10PValue ?? double.NaN;
        double tolerance = alpha is 0 or 0.5 or 1 ? 1e-9 : 1e-6;
        Assert.True(Math.Abs(log10 - Math.Log10(p)) <= tolerance * Math.Max(1, Math.Abs(log10)), $"{what}: log10 p {log10} vs {Math.Log10(p)}");
    }
}
