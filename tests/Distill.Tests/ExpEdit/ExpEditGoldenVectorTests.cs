using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.ExpEdit;

namespace Distill.Tests.ExpEdit;

/// <summary>
/// Frozen outputs of the released EXP-edit v1 scheme (and the known-answer vectors of its keyed
/// uniforms, also in docs/schemes/exp-edit.md). If one fails, a released scheme changed its outputs:
/// that is a new scheme version, never an edit of this file.
/// </summary>
public class ExpEditGoldenVectorTests
{
    private const string FileName = "exp-edit_v1_golden.json";

    [Fact]
    public void Released_outputs_are_unchanged()
    {
        JsonObject actual = Compute();
        if (TestData.ReadOrWriteGolden(FileName, actual) is not { } expected)
        {
            return;
        }

        TestData.AssertSameFields(expected, actual, "", "rowSeeds", "words", "uniforms", "processedLogitsSha256", "generated", "blockStart", "shift", "resamplesUsed", "nullHits", "descriptorHash");

        Assert.Equal(expected["score"]!.GetValue<double>(), actual["score"]!.GetValue<double>(), 4);
        Assert.Equal(expected["log10PValue"]!.GetValue<double>(), actual["log10PValue"]!.GetValue<double>(), 9);
    }

    private static JsonObject Compute()
    {
        const int vocabularySize = 50_000;
        var scheme = ExpEditScheme.Create(TestData.FixedKey, null, vocabularySize, "o200k_base");
        (int J, int V)[] points = [(0, 0), (0, 1), (1, 0), (255, 49_999), (17, 12_345)];
        var rowSeeds = new JsonArray(points.Select(p => (JsonNode)scheme.RowSeed(p.J).ToString("x16")).ToArray());
        var words = new JsonArray(points.Select(p => (JsonNode)ExpEditKeySequence.Word(scheme.RowSeed(p.J), p.V).ToString("x16")).ToArray());
        var uniforms = new JsonArray(points.Select(p => (JsonNode)scheme.KeyUniform(p.J, p.V).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        var logits = new float[vocabularySize];
        for (int i = 0; i < vocabularySize; i++)
        {
            ulong z = Prf.PrfV1.Mix64((ulong)i + 0x1234);
            logits[i] = z % 17 == 0 ? float.NegativeInfinity : ((z >> 40) / (float)(1 << 24) * 12f) - 6f;
        }

        var session = scheme.CreateSession([11, 22], 5);
        float[] processed = (float[])logits.Clone();
        session.ProcessLogits(processed);
        string sha = Convert.ToHexStringLower(SHA256.HashData(processed.SelectMany(BitConverter.GetBytes).ToArray()));

        // 64 steps over position-dependent logits, then the permutation test with a fixed resample count.
        var generated = new int[64];
        var step = new float[vocabularySize];
        session.Reset([11, 22]);
        for (int t = 0; t < generated.Length; t++)
        {
            for (int i = 0; i < vocabularySize; i++)
            {
                step[i] = logits[(i + (t * 7919)) % vocabularySize];
            }

            session.ProcessLogits(step);
            generated[t] = Array.FindIndex(step, float.IsFinite);
            session.Accept(generated[t]);
        }

        ExpEditDetection detection = scheme.Detect(generated, null, new ExpEditDetectionOptions { Resamples = 49, EarlyStopHits = 0 });
        return new JsonObject
        {
            ["rowSeeds"] = rowSeeds,
            ["words"] = words,
            ["uniforms"] = uniforms,
            ["processedLogitsSha256"] = sha,
            ["generated"] = new JsonArray(generated.Select(g => (JsonNode)g).ToArray()),
            ["score"] = detection.Result.Score,
            ["blockStart"] = detection.BlockStart,
            ["shift"] = detection.Shift,
            ["resamplesUsed"] = detection.ResamplesUsed,
            ["nullHits"] = detection.NullHits,
            ["log10PValue"] = detection.Result.Log10PValue,
            ["descriptorHash"] = scheme.Descriptor.Hash,
        };
    }
}
