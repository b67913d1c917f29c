using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.GreenList;

/// <summary>
/// Frozen outputs of the released KGW v1 scheme. If one of these fails, a released scheme changed
/// its outputs: that is a new scheme version, never an edit of this file.
/// </summary>
public class GoldenVectorTests
{
    private const string FileName = "kgw_v1_golden.json";

    private static readonly (string Name, KgwOptions Options)[] s_configurations =
    [
        ("lefthash-1", KgwOptions.LeftHash),
        ("lefthash-3-g05-d1", KgwOptions.LeftHash with { ContextWidth = 3, Gamma = 0.5, Delta = 1.0 }),
        ("selfhash-4", KgwOptions.Default),
        ("selfhash-2-k10", KgwOptions.Default with { ContextWidth = 2, SelfHashCandidates = 10 }),
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
            TestData.AssertSameFields(e, a, $"{name}.", "biasedLogitsSha256", "generated", "scored", "green", "skippedPrefix", "skippedRepeated", "perTokenSha256", "descriptorHash");

            double le = e["log10PValue"]!.GetValue<double>(), la = a["log10PValue"]!.GetValue<double>();
            Assert.True(Math.Abs(le - la) <= 1e-9 * Math.Max(1, Math.Abs(le)), $"{name}.log10PValue: {le} vs {la}");
        }
    }

    private static JsonObject Compute()
    {
        var result = new JsonObject();
        const int vocabularySize = 50_000;
        foreach (var (name, options) in s_configurations)
        {
            var scheme = KgwScheme.Create(TestData.FixedKey, options, vocabularySize, "o200k_base");

            // A fixed logits vector (a splitmix-like formula, some masked), biased once after a fixed prompt.
            var logits = new float[vocabularySize];
            for (int i = 0; i < vocabularySize; i++)
            {
                ulong z = Prf.PrfV1.Mix64((ulong)i + 0x1234);
                logits[i] = z % 17 == 0 ? float.NegativeInfinity : ((z >> 40) / (float)(1 << 24) * 12f) - 6f;
            }

            int[] prompt = [11, 22, 33, 44];
            var session = scheme.CreateSession(prompt);
            float[] biased = (float[])logits.Clone();
            session.ProcessLogits(biased);
            byte[] bits = biased.SelectMany(BitConverter.GetBytes).ToArray();

            // Greedy generation over position-dependent logits: a watermarked sequence.
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

            // Repeat a stretch so that deduplication matters.
            generated.AddRange(generated.GetRange(30, 40));
            var scores = new TokenScore[generated.Count];
            DetectionResult detection = scheme.ScoreTokens(generated.ToArray(), scores);
            result[name] = new JsonObject
            {
                ["descriptorHash"] = scheme.Descriptor.Hash,
                ["biasedLogitsSha256"] = Convert.ToHexStringLower(SHA256.HashData(bits)),
                ["generated"] = new JsonArray(generated.Select(g => (JsonNode)g).ToArray()),
                ["scored"] = detection.ScoredTokens,
                ["green"] = detection.GreenTokens,
                ["skippedPrefix"] = detection.SkippedPrefix,
                ["skippedRepeated"] = detection.SkippedRepeated,
                ["perTokenSha256"] = Convert.ToHexStringLower(SHA256.HashData(scores.Select(s => (byte)s).ToArray())),
                ["log10PValue"] = detection.Log10PValue,
            };
        }

        return result;
    }
}
