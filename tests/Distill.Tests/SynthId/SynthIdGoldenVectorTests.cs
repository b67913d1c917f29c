using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Detection;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

/// <summary>
/// Frozen outputs of the released SynthID v1 scheme. If one of these fails, a released scheme changed
/// its outputs: that is a new scheme version, never an edit of this file. Processed logits are compared
/// to 1e-5 (they go through exp and log); tokens, g-values, counts and hashes exactly.
/// </summary>
public class SynthIdGoldenVectorTests
{
    private const string FileName = "synthid_v1_golden.json";

    private static readonly (string Name, SynthIdOptions Options)[] s_configurations =
    [
        ("default", SynthIdOptions.Default),
        ("depth12-width2-k10-h16", new SynthIdOptions { Depth = 12, ContextWidth = 2, TopK = 10, ContextHistory = 16 }),
    ];

    [Fact]
    public void Released_outputs_are_unchanged()
    {
        JsonObject actual = Compute();
        if (TestData.ReadOrWriteGolden(FileName, actual) is not { } expected)
        {
            return;
        }

        foreach (var (name, _) in s_configurations)
        {
            JsonNode e = expected[name]!, a = actual[name]!;
            TestData.AssertSameFields(e, a, $"{name}.", "descriptorHash", "candidates", "generated", "scored", "skippedPrefix", "skippedRepeated", "perTokenOnesSha256");

            double[] ep = e["processed"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            double[] ap = a["processed"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            Assert.Equal(ep.Length, ap.Length);
            for (int i = 0; i < ep.Length; i++)
            {
                Assert.True(Math.Abs(ep[i] - ap[i]) <= 1e-5 * Math.Max(1, Math.Abs(ep[i])), $"{name}.processed[{i}]: {ep[i]} vs {ap[i]}");
            }

            foreach (string field in new[] { "meanScore", "log10PValue", "weightedScore", "weightedLog10PValue" })
            {
                double le = e[field]!.GetValue<double>(), la = a[field]!.GetValue<double>();
                Assert.True(Math.Abs(le - la) <= 1e-9 * Math.Max(1, Math.Abs(le)), $"{name}.{field}: {le} vs {la}");
            }
        }
    }

    private static JsonObject Compute()
    {
        var result = new JsonObject();
        const int vocabularySize = 50_000;
        foreach (var (name, options) in s_configurations)
        {
            var scheme = SynthIdScheme.Create(TestData.FixedKey, options, vocabularySize, "o200k_base");
            var logits = new float[vocabularySize];
            for (int i = 0; i < vocabularySize; i++)
            {
                ulong z = Prf.PrfV1.Mix64((ulong)i + 0x1234);
                logits[i] = z % 17 == 0 ? float.NegativeInfinity : ((z >> 40) / (float)(1 << 24) * 12f) - 6f;
            }

            int[] prompt = [11, 22, 33, 44];
            var session = scheme.CreateSession(prompt);
            session.ProcessLogits(logits);
            int[] candidates = Enumerable.Range(0, vocabularySize).Where(i => !float.IsNegativeInfinity(logits[i])).ToArray();

            // Generation: position-dependent logits, a deterministic sampler (the top processed logit).
            var generated = new List<int>(prompt);
            var step = new float[vocabularySize];
            session.Reset(prompt);
            for (int t = 0; t < 120; t++)
            {
                for (int i = 0; i < vocabularySize; i++)
                {
                    step[i] = ((Prf.PrfV1.Mix64((ulong)((t * 7919) + i)) >> 40) / (float)(1 << 24) * 4f) - 2f;
                }

                session.ProcessLogits(step);
                int next = step.AsSpan().IndexOf(step.Max());
                session.Accept(next);
                generated.Add(next);
            }

            generated.AddRange(generated.GetRange(30, 40));
            int[] tokens = [.. generated];
            var ones = new double[tokens.Length];
            scheme.ScoreDocument(tokens, deduplicate: true, ones, default);
            DetectionResult mean = scheme.Detect(tokens);
            DetectionResult weighted = scheme.DetectWeighted(tokens);
            result[name] = new JsonObject
            {
                ["descriptorHash"] = scheme.Descriptor.Hash,
                ["candidates"] = new JsonArray(candidates.Select(c => (JsonNode)c).ToArray()),
                ["processed"] = new JsonArray(candidates.Select(c => (JsonNode)(double)logits[c]).ToArray()),
                ["generated"] = new JsonArray(tokens.Select(g => (JsonNode)g).ToArray()),
                ["scored"] = mean.ScoredTokens,
                ["skippedPrefix"] = mean.SkippedPrefix,
                ["skippedRepeated"] = mean.SkippedRepeated,
                ["perTokenOnesSha256"] = Convert.ToHexStringLower(SHA256.HashData(ones.Select(o => double.IsNaN(o) ? (byte)255 : (byte)o).ToArray())),
                ["meanScore"] = mean.Score,
                ["log10PValue"] = mean.Log10PValue,
                ["weightedScore"] = weighted.Score,
                ["weightedLog10PValue"] = weighted.Log10PValue,
            };
        }

        return result;
    }
}
