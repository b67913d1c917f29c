using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distill.Detection;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>The hf-synthid profile through its public scheme: the shared vectors, the processor steps to the bit, detection, the Bayesian detector.</summary>
public sealed class HfSynthIdSchemeTests
{
    private static readonly JsonElement Root = TestData.Json("interop/synthid_vectors.json").RootElement;

    private static WatermarkKey ReferenceKey() =>
        WatermarkKey.FromIntegers([.. Root.GetProperty("config").GetProperty("keys").EnumerateArray().Select(e => unchecked((ulong)e.GetInt64()))]);

    private static HfSynthIdScheme ReferenceScheme() =>
        HfSynthIdScheme.Create(ReferenceKey(), new HfSynthIdOptions { EosTokenId = Root.GetProperty("eos_token_id").GetInt32() }, Root.GetProperty("vocab_size").GetInt32());

    private static float[][] StepLogits()
    {
        using var gzip = new GZipStream(File.OpenRead(TestData.PathOf("interop/synthid_step_logits.bin.gz")), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        float[] all = MemoryMarshal.Cast<byte, float>(buffer.ToArray()).ToArray();
        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal(3 * 32000, all.Length);
        return [.. Enumerable.Range(0, 3).Select(s => all[(s * 32000)..((s + 1) * 32000)])];
    }

    [Fact]
    public void Every_sequence_matches_the_reference_figures()
    {
        HfSynthIdScheme scheme = ReferenceScheme();
        int count = 0;
        foreach (JsonElement s in Root.GetProperty("sequences").EnumerateArray())
        {
            int[] tokens = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            HfSynthIdReferenceScores r = scheme.ScoreReference(tokens);
            Assert.Equal(s.GetProperty("num_ngrams").GetInt32(), r.NgramCount);
            Assert.Equal(s.GetProperty("num_unmasked").GetInt32(), r.UnmaskedNgrams);
            string[] g = [.. s.GetProperty("g_values").EnumerateArray().Select(e => e.GetString()!)];
            for (int i = 0; i < g.Length; i++)
            {
                Assert.Equal(g[i], string.Concat(Enumerable.Range(0, scheme.Depth).Select(d => (char)('0' + r.GValue(i, d)))));
            }

            Assert.Equal(s.GetProperty("context_repetition_mask").GetString(), string.Concat(r.ContextRepetitionMask.Select(b => b ? '1' : '0')));
            Assert.Equal(s.GetProperty("eos_mask").GetString(), string.Concat(r.EosMask.Select(b => b ? '1' : '0')));
            Near(s, "mean_score", r.MeanScore);
            Near(s, "weighted_mean_score", r.WeightedMeanScore);
            Near(s, "mean_score_unmasked_all", r.MeanScoreAllNgrams);
            Near(s, "weighted_mean_score_unmasked_all", r.WeightedMeanScoreAllNgrams);

            // The public summary: the mean score over the unmasked n-grams, and no p-value, z or verdict.
            ReferenceResult summary = scheme.DetectReference(tokens);
            Assert.Equal(("SynthID-Text (mean score)", r.MeanScore, r.UnmaskedNgrams), (summary.Implementation, summary.Score, summary.ScoredCount));
            Assert.True(summary.PValue is null && summary.Log10PValue is null && summary.ZScore is null && summary.IsWatermarked is null && summary.Intended is null);

            // Distill's weighted score is the reference's weighted mean; the scored n-grams are its unmasked ones.
            DetectionResult weighted = scheme.DetectWeighted(tokens);
            Assert.Equal(r.UnmaskedNgrams, weighted.ScoredTokens);
            if (r.UnmaskedNgrams > 0)
            {
                Assert.Equal(r.WeightedMeanScore, weighted.Score, 12);
            }

            DetectionResult plain = scheme.Detect(tokens, new DetectionOptions { Deduplicate = false, MinimumScoredTokens = 1 });
            Assert.Equal(r.MeanScore, plain.Score, 12);
            count++;
        }

        Assert.Equal(9, count);
    }

    [Fact]
    public void Detection_separates_the_watermarked_sequences()
    {
        HfSynthIdScheme scheme = ReferenceScheme();
        foreach (JsonElement s in Root.GetProperty("sequences").EnumerateArray())
        {
            int[] tokens = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            DetectionResult mean = scheme.Detect(tokens), weighted = scheme.DetectWeighted(tokens);
            if (s.GetProperty("watermarked").GetBoolean())
            {
                Assert.True(mean.Log10PValue < -20, $"{mean}");
                Assert.True(weighted.Log10PValue < -20, $"{weighted}");
            }
            else
            {
                Assert.True(mean.Log10PValue > -3 && weighted.Log10PValue > -3, $"{mean} / {weighted}");
            }
        }
    }

    [Fact]
    public void The_mean_test_is_the_exact_tail_over_random_keys_of_the_ones_the_key_reads()
    {
        HfSynthIdScheme scheme = ReferenceScheme();
        int[] tokens = [.. Root.GetProperty("sequences")[0].GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
        HfSynthIdReferenceScores r = scheme.ScoreReference(tokens);

        // Independently: the distinct unmasked n-grams, their ones under the key, and the ones at every
        // key offset by a direct loop over the reference's index formula.
        var hashes = new System.Collections.Generic.HashSet<ulong>();
        long ones = 0;
        for (int i = 0; i < r.NgramCount; i++)
        {
            if (!(r.ContextRepetitionMask[i] && r.EosMask[i]))
            {
                continue;
            }

            long context = HfSynthIdScheme.ContextHash(tokens.AsSpan(i, 4));
            ulong ngram = unchecked((((ulong)context + (ulong)tokens[i + 4]) * 6364136223846793005UL) + 1);
            if (hashes.Add(ngram))
            {
                for (int d = 0; d < scheme.Depth; d++)
                {
                    ones += r.GValue(i, d);
                }
            }
        }

        var byOffset = new long[scheme.Options.TableSize];
        ReadOnlySpan<byte> table = scheme.Table;
        for (int o = 0; o < byOffset.Length; o++)
        {
            foreach (ulong h in hashes)
            {
                byOffset[o] += table[(int)(unchecked(((h + (ulong)o) * 6364136223846793005UL) + 1) & 0xFFFF)];
            }
        }

        Assert.Equal(ones, ReferenceKeys().Sum(k => byOffset[(int)(k & 0xFFFF)]));

        // Exact tail of the sum of 30 independent draws of byOffset at uniform offsets, by plain convolution.
        long min = byOffset.Min(), max = byOffset.Max();
        var single = new double[max - min + 1];
        foreach (long c in byOffset)
        {
            single[c - min] += 1.0 / byOffset.Length;
        }

        double[] sum = [1.0];
        for (int d = 0; d < scheme.Depth; d++)
        {
            var next = new double[sum.Length + single.Length - 1];
            for (int a = 0; a < sum.Length; a++)
            {
                for (int b = 0; b < single.Length; b++)
                {
                    next[a + b] += sum[a] * single[b];
                }
            }

            sum = next;
        }

        double tail = sum.Skip((int)(ones - (scheme.Depth * min))).Sum();
        DetectionResult result = scheme.Detect(tokens);
        Assert.Equal(ones, result.GreenTokens);
        Assert.Equal(r.UnmaskedNgrams, result.ScoredTokens);
        Assert.Equal((double)ones / (hashes.Count * scheme.Depth), result.Score, 12);

        // The plain convolution underflows beyond about 1e-300; this sequence's tail is far above that.
        Assert.True(tail > 1e-250, $"tail {tail}");
        Assert.Equal(Math.Log10(tail), result.Log10PValue, 6);
    }

    [Fact]
    public void Processor_steps_match_the_reference_to_the_bit()
    {
        HfSynthIdScheme scheme = ReferenceScheme();
        float[][] logits = StepLogits();
        JsonElement outputs = TestData.Json("interop/synthid_step_outputs.json").RootElement.GetProperty("steps");
        int index = 0;
        foreach (JsonElement step in Root.GetProperty("processor_steps").EnumerateArray())
        {
            int[] context = [.. step.GetProperty("context").EnumerateArray().Select(e => e.GetInt32())];
            long hash = HfSynthIdScheme.ContextHash(context);
            Assert.Equal(step.GetProperty("context_hash").GetInt64(), hash);
            string[] g = [.. step.GetProperty("g_values_tokens_0_9").EnumerateArray().Select(e => e.GetString()!)];
            for (int v = 0; v < 10; v++)
            {
                Assert.Equal(g[v], string.Concat(Enumerable.Range(0, scheme.Depth).Select(d => (char)('0' + scheme.GValue(hash, v, d)))));
            }

            Assert.Equal(step.GetProperty("g_values_layer0_sum_over_vocab").GetInt32(), Enumerable.Range(0, 32000).Sum(v => scheme.GValue(hash, v, 0)));

            // The session, driven by five calls (the first on zeros, then the context's four tokens).
            float[] original = logits[index];
            WatermarkSession session = scheme.CreateSession([1, 450, 4996]);
            float[] output = [];
            for (int call = 0; call <= context.Length; call++)
            {
                output = (float[])original.Clone();
                session.ProcessLogits(output);
                if (call < context.Length)
                {
                    session.Accept(context[call]);
                }
            }

            bool watermarked = step.GetProperty("call_output_is_watermarked").GetBoolean();
            Assert.Equal(watermarked, !output.AsSpan().SequenceEqual(original));

            // The update itself (a fresh session whose first call sees this context's hash).
            float[] updated = Update(scheme, original, context);
            double[] expected = [.. step.GetProperty("updated_logprob_tokens_0_9").EnumerateArray().Select(e => e.GetDouble())];
            for (int v = 0; v < 10; v++)
            {
                Assert.True(Math.Abs(expected[v] - updated[v]) <= 1e-6, $"token {v}: {updated[v]} vs {expected[v]}");
            }

            Assert.Equal(outputs[index].GetProperty("sha256_of_float32_output").GetString(), Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(updated.AsSpan()))));
            if (watermarked)
            {
                Assert.Equal(updated, output);
            }

            Assert.Equal(step.GetProperty("updated_argmax").GetInt32(), ArgMax(updated));
            Assert.Equal(step.GetProperty("original_argmax").GetInt32(), ArgMax(original));
            Assert.Equal(step.GetProperty("watermarked_prob_mass_g1_layer0").GetDouble(), Mass(updated, scheme, hash), 6);
            Assert.Equal(step.GetProperty("original_prob_mass_g1_layer0").GetDouble(), Mass(original, scheme, hash), 6);
            index++;
        }
    }

    [Fact]
    public void The_session_equals_a_straightforward_double_computation()
    {
        var random = new Random(17);
        const int v = 300;
        HfSynthIdScheme scheme = HfSynthIdScheme.Create(TestData.IntegerKeyFor(TestData.KeyFor(3), 7), new HfSynthIdOptions { NgramLength = 3, TableSize = 1024, TableSeed = 5 }, v);
        WatermarkSession session = scheme.CreateSession([]);
        int[] context = [0, 0];
        for (int step = 0; step < 40; step++)
        {
            var logits = new float[v];
            for (int i = 0; i < v; i++)
            {
                logits[i] = i % 17 == step % 17 ? float.NegativeInfinity : (float)(random.NextDouble() * 6.0);
            }

            float[] processed = (float[])logits.Clone();
            session.ProcessLogits(processed);

            // Reference arithmetic in double: softmax, the tournament, log.
            long hash = HfSynthIdScheme.ContextHash(context);
            double max = logits.Max();
            double[] p = [.. logits.Select(x => Math.Exp(x - max))];
            double total = p.Sum();
            p = [.. p.Select(x => x / total)];
            for (int d = 0; d < scheme.Depth; d++)
            {
                double mass = 0;
                for (int i = 0; i < v; i++)
                {
                    mass += scheme.GValue(hash, i, d) * p[i];
                }

                for (int i = 0; i < v; i++)
                {
                    p[i] *= 1 + scheme.GValue(hash, i, d) - mass;
                }
            }

            for (int i = 0; i < v; i++)
            {
                if (float.IsNegativeInfinity(logits[i]))
                {
                    Assert.True(float.IsNegativeInfinity(processed[i]));
                }
                else
                {
                    Assert.True(Math.Abs(Math.Log(p[i]) - processed[i]) < 1e-4 * Math.Max(1, Math.Abs(Math.Log(p[i]))), $"step {step}, token {i}: {processed[i]} vs {Math.Log(p[i])}");
                }
            }

            int token = TestData.SoftmaxSample(processed, random);
            session.Accept(token);
            context = [context[1], token];
        }
    }

    [Fact]
    public void Repeated_contexts_and_skipped_calls_leave_the_logits_unchanged()
    {
        const int v = 64;
        float[] logits = [.. Enumerable.Range(0, v).Select(i => (float)Math.Sin(i))];
        HfSynthIdScheme skip = HfSynthIdScheme.Create(TestData.IntegerKeyFor(TestData.FixedKey, 4), new HfSynthIdOptions { SkipFirstNgramCalls = true }, v);
        WatermarkSession session = skip.CreateSession([]);
        for (int call = 1; call <= 6; call++)
        {
            float[] x = (float[])logits.Clone();
            session.ProcessLogits(x);
            Assert.Equal(call < 5, x.AsSpan().SequenceEqual(logits));
            session.Accept(call);
        }

        // Without skipping: the first call hashes the zero context; a second zero context repeats it.
        HfSynthIdScheme plain = HfSynthIdScheme.Create(TestData.IntegerKeyFor(TestData.FixedKey, 4), null, v);
        session = plain.CreateSession([7, 8, 9]);
        float[] first = (float[])logits.Clone();
        session.ProcessLogits(first);
        Assert.False(first.AsSpan().SequenceEqual(logits));
        session.Accept(0);
        float[] second = (float[])logits.Clone();
        session.ProcessLogits(second);
        Assert.Equal(logits, second);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => HfSynthIdScheme.Create(TestData.FixedKey, null, 100));
        Assert.Throws<ArgumentNullException>(() => HfSynthIdScheme.Create(null!, null, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => HfSynthIdScheme.Create(ReferenceKey(), null, 1));
        HfSynthIdScheme scheme = ReferenceScheme();
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.GValue(0, 32000, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.GValue(0, 1, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.ScoreReference([1, 2, -3]));
        Assert.Throws<ArgumentException>(() => HfSynthIdScheme.FromDescriptor(scheme.Descriptor, WatermarkKey.FromIntegers([1, 2])));
        Assert.IsType<HfSynthIdScheme>(new WatermarkProfile(scheme.Descriptor, ReferenceKey()).CreateScheme());
    }

    [Fact]
    public void The_bayesian_detector_matches_a_direct_computation_and_closed_forms()
    {
        const int depth = 5;
        var random = new Random(9);
        double[] beta = [.. Enumerable.Range(0, depth).Select(_ => random.NextDouble() * 4 - 2)];
        var delta = new double[depth, depth];
        for (int l = 0; l < depth; l++)
        {
            for (int k = 0; k < depth; k++)
            {
                delta[l, k] = random.NextDouble() * 2 - 1;
            }
        }

        var detector = new HfSynthIdBayesianDetector(beta, delta, 0.3);
        int n = 40;
        byte[] g = [.. Enumerable.Range(0, n * depth).Select(_ => (byte)random.Next(2))];
        bool[] mask = [.. Enumerable.Range(0, n).Select(i => i % 7 != 3)];

        // Direct: the reference's formula term by term (the upper triangle and diagonal of delta ignored).
        double expected = Math.Log(0.3 / 0.7);
        for (int i = 0; i < n; i++)
        {
            for (int l = 0; l < depth && mask[i]; l++)
            {
                double z = beta[l];
                for (int k = 0; k < l; k++)
                {
                    z += delta[l, k] * g[(i * depth) + k];
                }

                double p2 = 1 / (1 + Math.Exp(-z));
                expected += Math.Log(0.5 * (((g[(i * depth) + l] + 0.5) * p2) + 1 - p2)) - Math.Log(0.5);
            }
        }

        Assert.Equal(expected, detector.LogOdds(g, mask), 10);
        Assert.Equal(1 / (1 + Math.Exp(-expected)), detector.Posterior(g, mask), 12);

        // delta = 0: each g = 1 adds ln(1 + p2 / 2), each g = 0 adds ln(1 - p2 / 2), p2 = sigmoid(beta_l).
        var zero = new HfSynthIdBayesianDetector(beta, new double[depth, depth], 0.5);
        byte[] one = [1, 0, 1, 1, 0];
        double closed = 0;
        for (int l = 0; l < depth; l++)
        {
            double p2 = 1 / (1 + Math.Exp(-beta[l]));
            closed += Math.Log(one[l] == 1 ? 1 + (p2 / 2) : 1 - (p2 / 2));
        }

        Assert.Equal(closed, zero.LogOdds(one, [true]), 12);
        Assert.Equal(0.0, zero.LogOdds(one, [false]), 15);
        Assert.Equal(Math.Log(1e-5 / (1 - 1e-5)), new HfSynthIdBayesianDetector(beta, delta, 0.0).LogOdds(one, [false]), 12);

        // JSON weights, and bad input.
        string json = JsonSerializer.Serialize(new { beta, delta = Enumerable.Range(0, depth).Select(l => Enumerable.Range(0, depth).Select(k => delta[l, k]).ToArray()).ToArray(), prior = 0.3 });
        var read = HfSynthIdBayesianDetector.ReadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(detector.LogOdds(g, mask), read.LogOdds(g, mask), 14);
        Assert.Throws<InvalidDataException>(() => HfSynthIdBayesianDetector.ReadJson(new MemoryStream(Encoding.UTF8.GetBytes("{\"beta\": [1, 2], \"delta\": [[0]], \"prior\": 0.5}"))));
        Assert.Throws<ArgumentException>(() => new HfSynthIdBayesianDetector(beta, new double[2, 2], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HfSynthIdBayesianDetector(beta, delta, 1.5));
        Assert.Throws<ArgumentException>(() => detector.LogOdds(g.AsSpan(1), mask));
        Assert.Throws<ArgumentException>(() => detector.Posterior(ReferenceScheme(), [1, 2, 3, 4, 5]));

        // Through a scheme: watermarked text has a higher posterior than plain text under the same weights.
        var flat = new HfSynthIdBayesianDetector(new double[30], new double[30, 30], 0.5);
        int[] marked = [.. Root.GetProperty("sequences")[0].GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
        int[] plain = [.. Root.GetProperty("sequences")[1].GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
        Assert.True(flat.Posterior(ReferenceScheme(), marked) > 0.99);
        Assert.True(flat.Posterior(ReferenceScheme(), plain) < flat.Posterior(ReferenceScheme(), marked));
    }

    private static long[] ReferenceKeys() => [.. Root.GetProperty("config").GetProperty("keys").EnumerateArray().Select(e => e.GetInt64())];

    /// <summary>One update on <paramref name="original"/> after <paramref name="context"/>, by a session whose first calls are skipped by repetition-free distinct contexts.</summary>
    private static float[] Update(HfSynthIdScheme scheme, float[] original, int[] context)
    {
        // Drive a session to the context with calls on throwaway logits, then process the real ones.
        WatermarkSession session = scheme.CreateSession([]);
        float[] scratch = new float[original.Length];
        foreach (int token in context)
        {
            session.ProcessLogits(scratch);
            session.Accept(token);
        }

        float[] output = (float[])original.Clone();
        session.ProcessLogits(output);
        if (output.AsSpan().SequenceEqual(original))
        {
            // The context repeats the zero context's hash (all zeros): the reference's update_scores is still defined.
            var fresh = (HfSynthIdScheme)new WatermarkProfile(scheme.Descriptor, ReferenceKey()).CreateScheme();
            output = (float[])original.Clone();
            fresh.UpdateScores(output, HfSynthIdScheme.ContextHash(context), new float[output.Length], new float[output.Length], new float[output.Length]);
        }

        return output;
    }

    private static int ArgMax(float[] x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            best = x[i] > x[best] ? i : best;
        }

        return best;
    }

    private static double Mass(float[] logits, HfSynthIdScheme scheme, long hash)
    {
        double max = logits.Max(), total = 0, green = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double e = Math.Exp(logits[i] - max);
            total += e;
            green += scheme.GValue(hash, i, 0) * e;
        }

        return green / total;
    }

    private static void Near(JsonElement s, string field, double actual)
    {
        if (!s.TryGetProperty(field, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            Assert.True(double.IsNaN(actual), $"{field}: expected no value, got {actual}");
            return;
        }

        Assert.True(Math.Abs(e.GetDouble() - actual) < 1e-9, $"{field}: {actual} vs {e.GetDouble()}");
    }
}
