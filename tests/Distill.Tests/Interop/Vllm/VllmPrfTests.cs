using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>vLLM's Philox PRF: absorbed states, words, mantissas, float32 uniforms and scores of the shared vectors.</summary>
public sealed class VllmPrfTests
{
    [Fact]
    public void States_words_uniforms_and_scores_match_the_reference()
    {
        JsonElement root = TestData.Json("interop/vllm_prf_uniforms.json").RootElement;
        int cases = 0;
        foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
        {
            var prf = new VllmPrf(ulong.Parse(c.GetProperty("key").GetString()!, CultureInfo.InvariantCulture), c.GetProperty("context_width").GetInt32());
            long[] context = [.. c.GetProperty("context").EnumerateArray().Select(e => e.GetInt64())];
            var state = prf.Absorb(context);
            Assert.Equal(c.GetProperty("context_state").EnumerateArray().Select(TestData.Hex32), new[] { state.S0, state.S1, state.S2, state.S3 });
            uint[] tokens = [.. c.GetProperty("token_ids").EnumerateArray().Select(e => e.GetUInt32())];
            uint[] words = [.. c.GetProperty("words").EnumerateArray().Select(e => e.GetUInt32())];
            uint[] legacy = [.. c.GetProperty("legacy_single_words").EnumerateArray().Select(e => e.GetUInt32())];
            uint[] mantissas = [.. c.GetProperty("mantissas").EnumerateArray().Select(e => e.GetUInt32())];
            uint[] bits = [.. c.GetProperty("uniform_f32_hex").EnumerateArray().Select(TestData.Hex32)];
            double[] scores = [.. c.GetProperty("token_score").EnumerateArray().Select(e => e.GetDouble())];
            for (int i = 0; i < tokens.Length; i++)
            {
                uint word = prf.Word(state, tokens[i]);
                Assert.Equal(words[i], word);
                Assert.Equal(legacy[i], prf.LegacyWord(state, tokens[i]));
                Assert.Equal(mantissas[i], word >> 8);
                float u = VllmPrf.Uniform(word);
                Assert.Equal(bits[i], BitConverter.SingleToUInt32Bits(u));
                Assert.True(Math.Abs(scores[i] - VllmPrf.Score(u)) <= 1e-12 * Math.Max(1, scores[i]), $"score {scores[i]} vs {VllmPrf.Score(u)}");
            }

            cases++;
        }

        Assert.Equal(18, cases);
    }

    [Fact]
    public void The_prf_test_words_of_vllm_match()
    {
        JsonElement current = TestData.Json("interop/vllm_philox_kat.json").RootElement.GetProperty("vllm_test_prf_current");
        var prf = new VllmPrf(ulong.Parse(current.GetProperty("key").GetString()!, CultureInfo.InvariantCulture), 4);
        JsonElement[] contexts = [.. current.GetProperty("contexts").EnumerateArray()];
        uint[] tokens = [.. current.GetProperty("token_ids").EnumerateArray().Select(e => e.GetUInt32())];
        JsonElement[] words = [.. current.GetProperty("words").EnumerateArray()];
        for (int k = 0; k < contexts.Length; k++)
        {
            var state = prf.Absorb([.. contexts[k].EnumerateArray().Select(e => e.GetInt64())]);
            uint[] expected = [.. words[k].EnumerateArray().Select(e => e.GetUInt32())];
            Assert.Equal(expected, tokens.Select(t => prf.Word(state, t)));
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 300, Replay = "(2718,2819)")]
    public bool Sixteen_counters_at_once_equal_sixteen_single_calls(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        var four = new uint[64];
        Philox4x32.ComputeSixteen(c0, c1, c2, c3, k0, k1, four);
        for (uint i = 0; i < 16; i++)
        {
            (uint x0, uint x1, uint x2, uint x3) = Philox4x32.Compute(unchecked(c0 + i), c1, c2, c3, k0, k1);
            if (four[4 * i] != x0 || four[(4 * i) + 1] != x1 || four[(4 * i) + 2] != x2 || four[(4 * i) + 3] != x3)
            {
                return false;
            }
        }

        return true;
    }
}
