using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Detection;
using Distill.Gumbel;

namespace Distill.Tests.Gumbel;

/// <summary>
/// Frozen outputs of the released Gumbel-max v1 scheme. If one of these fails, a released scheme
/// changed its outputs: that is a new scheme version, never an edit of this file.
/// </summary>
public class GumbelGoldenVectorTests
{
    private const string FileName = "gumbel_v1_golden.json";

    private static readonly (string Name, GumbelOptions Options, int Variant)[] s_configurations =
    [
        ("h4", GumbelOptions.Default, 0),
        ("h1", new GumbelOptions { ContextWidth = 1 }, 0),
        ("h2-k4-v3", new GumbelOptions { ContextWidth = 2, Variants = 4 }, 3),
    ];

    [Fact]
    public void Released_outputs_are_unchanged()
    {
        JsonObject actual = Compute();
        if (TestData.ReadOrWriteGolden(FileName, actual) is not { } expected)
        {
            return;
        }

        foreach (var (name, _, _) in s_configurations)
        {
            JsonNode e = expected[name]!, a = actual[name]!;
            TestData.AssertSameFields(e, a, $"{name}.", "descriptorHash", "processedLogitsSha256", "chosen", "generated", "scored", "skippedPrefix", "skippedRepeated", "perTokenSha256");

            foreach (string field in new[] { "score", "log10PValue" })
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
        foreach (var (name, options, variant) in s_configurations)
        {
            var scheme = GumbelScheme.Create(TestData.FixedKey, options, vocabularySize, "o200k_base");

            // A fixed logits vector (some masked), processed once after a fixed prompt.
            var logits = new float[vocabularySize];
            for (int i = 0; i < vocabularySize; i++)
            {
                ulong z = Prf.PrfV1.Mix64((ulong)i + 0x1234);
                logits[i] = z % 17 == 0 ? float.NegativeInfinity : ((z >> 40) / (float)(1 << 24) * 12f) - 6f;
            }

            int[] prompt = [11, 22, 33, 44];
            GumbelSession session = (GumbelSession)scheme.CreateSession(prompt, variant);
            int chosen = session.ChooseToken(logits);
            float[] processed = (float[])logits.Clone();
            session.ProcessLogits(processed);
            byte[] bits = processed.SelectMany(BitConverter.GetBytes).ToArray();

            // Generation over position-dependent logits, with every step's argmax of the processed logits.
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
            var values = new double[generated.Count];
            DetectionResult detection = scheme.ScoreTokens(generated.ToArray(), values, variant: variant);
            result[name] = new JsonObject
            {
                ["descriptorHash"] = scheme.Descriptor.Hash,
                ["chosen"] = chosen,
                ["processedLogitsSha256"] = Convert.ToHexStringLower(SHA256.HashData(bits)),
                ["generated"] = new JsonArray(generated.Select(g => (JsonNode)g).ToArray()),
                ["scored"] = detection.ScoredTokens,
                ["skippedPrefix"] = detection.SkippedPrefix,
                ["skippedRepeated"] = detection.SkippedRepeated,
                ["perTokenSha256"] = Convert.ToHexStringLower(SHA256.HashData(values.SelectMany(BitConverter.GetBytes).ToArray())),
                ["score"] = detection.Score,
                ["log10PValue"] = detection.Log10PValue,
            };
        }

        return result;
    }
}
