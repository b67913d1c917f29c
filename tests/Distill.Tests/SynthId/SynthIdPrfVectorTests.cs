using System;
using System.Linq;
using System.Text.Json;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

/// <summary>The known-answer vectors of docs/schemes/synthid.md, produced by the independent Python reference in TestData.</summary>
public class SynthIdPrfVectorTests
{
    [Fact]
    public void G_words_context_seeds_and_token_hashes_match_the_reference()
    {
        using JsonDocument json = TestData.Json("synthid_v1_vectors.json");
        var key = WatermarkKey.FromBytes(Convert.FromHexString(json.RootElement.GetProperty("masterKey").GetString()!));
        var scheme = SynthIdScheme.Create(key, new SynthIdOptions { Depth = 64 }, int.MaxValue);
        ref readonly SynthIdPrf prf = ref scheme.Prf;
        foreach (JsonElement v in json.RootElement.GetProperty("vectors").EnumerateArray())
        {
            int[] context = v.GetProperty("context").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int token = v.GetProperty("token").GetInt32();
            ulong seed = prf.ContextSeed(context.Select(prf.TokenHash).ToArray());
            Assert.Equal(v.GetProperty("tokenHash").GetString(), prf.TokenHash(token).ToString("x16"));
            Assert.Equal(v.GetProperty("contextSeed").GetString(), seed.ToString("x16"));
            Assert.Equal(v.GetProperty("gWord").GetString(), scheme.GValues(context, token).ToString("x16"));
        }
    }

    [Fact]
    public void Tournament_matches_the_reference_bit_for_bit()
    {
        using JsonDocument json = TestData.Json("synthid_v1_vectors.json");
        var key = WatermarkKey.FromBytes(Convert.FromHexString(json.RootElement.GetProperty("masterKey").GetString()!));
        JsonElement t = json.RootElement.GetProperty("tournament");
        var scheme = SynthIdScheme.Create(key, new SynthIdOptions { Depth = 64 }, 1000);
        int[] context = t.GetProperty("context").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        ulong[] words = t.GetProperty("candidates").EnumerateArray().Select(e => scheme.GValues(context, e.GetInt32())).ToArray();
        double[] p = t.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        SynthIdScheme.Tournament(p, words, t.GetProperty("depth").GetInt32());
        string[] expected = t.GetProperty("resultBits").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expected, p.Select(x => BitConverter.DoubleToUInt64Bits(x).ToString("x16")).ToArray());
    }

    [Fact]
    public void Depth_masks_the_g_word_and_layers_are_fair_bits()
    {
        var full = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { Depth = 64 }, 1000);
        var shallow = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { Depth = 5 }, 1000);
        int[] context = [1, 2, 3, 4];
        Assert.Equal(full.GValues(context, 9) & 31UL, shallow.GValues(context, 9));

        // Over 20,000 (context, token) pairs every layer is 1 about half the time.
        var ones = new int[64];
        var random = new Random(4);
        for (int i = 0; i < 20_000; i++)
        {
            ulong w = full.GValues([random.Next(1000), random.Next(1000), random.Next(1000), random.Next(1000)], random.Next(1000));
            for (int l = 0; l < 64; l++)
            {
                ones[l] += (int)((w >> l) & 1);
            }
        }

        // 5 standard deviations (70.7) around 10,000.
        Assert.All(ones, c => Assert.InRange(c, 10_000 - 354, 10_000 + 354));
    }
}
