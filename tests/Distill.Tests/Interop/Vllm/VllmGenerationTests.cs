using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>
/// vLLM's Gumbel-max embedding through the public <see cref="VllmGumbelSession"/>: a .NET loop with
/// the shared vectors' toy logits regenerates each watermarked sequence token for token (the session
/// declines exactly the positions whose context repeats, which are sampled ordinarily, as vLLM
/// does), so text watermarked here is text vLLM's detector accepts.
/// </summary>
public sealed class VllmGenerationTests
{
    private static ulong SplitMix64(ulong x)
    {
        unchecked
        {
            ulong z = x + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    [Fact]
    public void Watermarked_sequences_are_regenerated_exactly()
    {
        JsonElement root = TestData.Json("interop/vllm_sequences.json").RootElement;
        int vocabulary = root.GetProperty("meta").GetProperty("vocab_size").GetInt32();
        int regenerated = 0;
        foreach (JsonElement s in root.GetProperty("sequences").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "watermarked"))
        {
            ulong key = ulong.Parse(s.GetProperty("key").GetString()!, CultureInfo.InvariantCulture);
            int width = s.GetProperty("context_width").GetInt32();
            bool dual = s.GetProperty("algorithm").GetString() == "dual_key_gumbel";
            double alpha = dual ? s.GetProperty("alpha").GetDouble() : 0;
            VllmGumbelSession session = (VllmGumbelSession)VllmDetectionTests.Scheme(key, width, alpha, vocabulary).CreateSession([1, 2, 3]);
            string routing = dual ? s.GetProperty("routing").GetString()! : string.Empty;
            ulong seed = s.GetProperty("logit_seed").GetUInt64();
            double scale = s.GetProperty("scale").GetDouble(), power = s.GetProperty("power").GetDouble();
            float temperature = (float)s.GetProperty("temperature").GetDouble();
            int topK = s.GetProperty("top_k").GetInt32();
            bool isStatic = s.TryGetProperty("static_logits", out JsonElement st) && st.ValueKind == JsonValueKind.True || s.GetProperty("id").GetString()!.Contains("static", StringComparison.Ordinal);
            int[] expected = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            int[] skipped = [.. s.GetProperty("generation_dedup_skipped_positions").EnumerateArray().Select(e => e.GetInt32())];

            var tokens = new int[expected.Length];
            var logits = new float[vocabulary];
            for (int pos = 0; pos < tokens.Length; pos++)
            {
                ulong p = isStatic ? 0 : (ulong)pos;
                for (int t = 0; t < vocabulary; t++)
                {
                    double u = (SplitMix64((seed << 40) ^ (p << 20) ^ (ulong)t) >> 11) * (1.0 / 9007199254740992.0);
                    logits[t] = (float)(scale * Math.Pow(u, power)) / temperature;
                }

                if (topK > 0)
                {
                    int[] order = [.. Enumerable.Range(0, vocabulary).OrderByDescending(t => logits[t]).ThenBy(t => t)];
                    foreach (int t in order.Skip(topK))
                    {
                        logits[t] = float.NegativeInfinity;
                    }
                }

                int chosen = session.ChooseToken(logits, useKeyB: dual && routing[pos] == 'B');
                Assert.Equal(chosen < 0, skipped.Contains(pos));
                if (chosen < 0)
                {
                    int best = -1;
                    double bestValue = double.NegativeInfinity;
                    for (int t = 0; t < vocabulary; t++)
                    {
                        double v = ((SplitMix64((0xABCDEFUL << 40) ^ (seed << 32) ^ ((ulong)pos << 20) ^ (ulong)t) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
                        double value = logits[t] + -Math.Log(-Math.Log(v));
                        if (value > bestValue)
                        {
                            best = t;
                            bestValue = value;
                        }
                    }

                    chosen = best;
                }

                tokens[pos] = chosen;
                session.Accept(chosen);
            }

            Assert.Equal(expected, tokens);
            regenerated++;
        }

        Assert.Equal(6, regenerated);
    }
}
