using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distill.Tests;

internal static class TestData
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static JsonDocument Json(string name) => JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));

    /// <summary>A 32-bit word written as a JSON string of hexadecimal digits (the interoperability vectors' format).</summary>
    public static uint Hex32(JsonElement e) => uint.Parse(e.GetString()!, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The frozen outputs in <paramref name="name"/>; or, when DISTILL_WRITE_GOLDEN=1, writes
    /// <paramref name="actual"/> into the source tree's file instead and returns <see langword="null"/>
    /// (only ever for a scheme version that is not released yet, and only on a developer's machine:
    /// in CI the variable fails the test, so a build can never pass by rewriting what it checks).
    /// </summary>
    public static JsonNode? ReadOrWriteGolden(string name, JsonObject actual)
    {
        if (WritesGolden(name, Environment.GetEnvironmentVariable))
        {
            string source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestData", name);
            File.WriteAllText(source, actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return null;
        }

        return JsonNode.Parse(File.ReadAllText(PathOf(name)))!;
    }

    /// <summary>
    /// Whether golden file <paramref name="name"/> is to be written (DISTILL_WRITE_GOLDEN=1) rather than read;
    /// fails the test when the variable is set in CI (CI=true, GITHUB_ACTIONS=true or TF_BUILD set).
    /// </summary>
    internal static bool WritesGolden(string name, Func<string, string?> environment)
    {
        if (environment("DISTILL_WRITE_GOLDEN") != "1")
        {
            return false;
        }

        bool ci = string.Equals(environment("CI"), "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(environment("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(environment("TF_BUILD"));
        if (ci)
        {
            Assert.Fail($"DISTILL_WRITE_GOLDEN=1 in a CI build: golden files are never rewritten in CI, so {name} was not checked. Unset the variable.");
        }

        return true;
    }

    /// <summary>Asserts that each named field is exactly equal in the two JSON objects.</summary>
    public static void AssertSameFields(JsonNode? expected, JsonNode? actual, string context, params string[] fields)
    {
        foreach (string field in fields)
        {
            Assert.True(JsonNode.DeepEquals(expected?[field], actual?[field]), $"{context}{field}: expected {expected?[field]?.ToJsonString()}, got {actual?[field]?.ToJsonString()}");
        }
    }

    public static WatermarkKey FixedKey { get; } = WatermarkKey.FromBytes(Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    /// <summary>An integer key (for the interop schemes) made from a test key's first 8 * <paramref name="words"/> bytes.</summary>
    public static WatermarkKey IntegerKeyFor(WatermarkKey key, int words = 1)
    {
        byte[] bytes = key.ToBytes();
        var values = new ulong[words];
        for (int i = 0; i < words; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((8 * i) % 32));
            values[i] ^= unchecked((ulong)i * 0x9E3779B97F4A7C15UL);
        }

        return WatermarkKey.FromIntegers(values);
    }

    /// <summary>Samples tokens from a fresh session of <paramref name="scheme"/> with prompt 1..8.</summary>
    public static int[] Sample(WatermarkScheme scheme, Random random, int count) => Sample(scheme.CreateSession([1, 2, 3, 4, 5, 6, 7, 8]), random, count);

    /// <summary>Samples tokens through a session: random logits of spread 8, processed, then a softmax draw.</summary>
    public static int[] Sample(WatermarkSession session, Random random, int count)
    {
        var tokens = new int[count];
        var logits = new float[session.VocabularySize];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < logits.Length; j++)
            {
                logits[j] = (float)(random.NextDouble() * 8.0);
            }

            session.ProcessLogits(logits);
            tokens[i] = SoftmaxSample(logits, random);
            session.Accept(tokens[i]);
        }

        return tokens;
    }

    /// <summary>A deterministic key for seed <paramref name="seed"/> (tests only).</summary>
    public static WatermarkKey KeyFor(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        bytes[0] |= 1;
        return WatermarkKey.FromBytes(bytes);
    }

    public static int[] RandomTokens(Random random, int count, int vocabularySize)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = random.Next(vocabularySize);
        }

        return tokens;
    }

    /// <summary>Greedy decoding of uniform random logits in [0, scale) through a session: strongly watermarked tokens.</summary>
    public static int[] GreedyWatermarked(WatermarkSession session, Random random, int count, double scale)
    {
        var tokens = new int[count];
        var logits = new float[session.VocabularySize];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < logits.Length; j++)
            {
                logits[j] = (float)(random.NextDouble() * scale);
            }

            session.ProcessLogits(logits);
            int best = 0;
            for (int j = 1; j < logits.Length; j++)
            {
                if (logits[j] > logits[best])
                {
                    best = j;
                }
            }

            tokens[i] = best;
            session.Accept(best);
        }

        return tokens;
    }

    /// <summary>A plain softmax draw from logits with a seeded generator, the caller's ordinary sampler (negative infinity has probability 0).</summary>
    public static int SoftmaxSample(ReadOnlySpan<float> logits, Random random)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }

        double total = 0.0;
        foreach (float v in logits)
        {
            total += Math.Exp(v - max);
        }

        double u = random.NextDouble() * total;
        int last = -1;
        for (int i = 0; i < logits.Length; i++)
        {
            if (float.IsNegativeInfinity(logits[i]))
            {
                continue;
            }

            last = i;
            u -= Math.Exp(logits[i] - max);
            if (u < 0)
            {
                return i;
            }
        }

        return last;
    }

    /// <summary>The smallest k with P[Binomial(trials, p) &gt; k] at most <paramref name="tail"/>: the most hits a valid test at level p may show.</summary>
    public static int UpperQuantile(int trials, double p, double tail)
    {
        int k = 0;
        while (Distill.Statistics.Binomial.LogUpperTail(k + 1, trials, p) > Math.Log(tail))
        {
            k++;
        }

        return k;
    }
}
