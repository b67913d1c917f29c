using System;
using System.Collections.Generic;
using System.IO;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.Accumulators;

/// <summary>Small-vocabulary schemes and documents in which (context, token) pairs repeat often.</summary>
internal static class AccumulatorTestData
{
    public const int VocabularySize = 50;

    public static KgwScheme Scheme(int keySeed, bool selfHash) =>
        KgwScheme.Create(TestData.KeyFor(keySeed), selfHash ? KgwOptions.Default : KgwOptions.LeftHash, VocabularySize, "tiny");

    public static DetectionOptions Options(bool deduplicate) => new() { Deduplicate = deduplicate, MinimumScoredTokens = 1 };

    /// <summary>Random documents: uniform tokens, a repeated phrase, or greedy watermarked text; some empty.</summary>
    public static List<int[]> Documents(KgwScheme scheme, Random random, int count)
    {
        var documents = new List<int[]>(count);
        for (int d = 0; d < count; d++)
        {
            int length = random.Next(0, 8) == 0 ? random.Next(0, 4) : random.Next(4, 90);
            documents.Add(random.Next(3) switch
            {
                0 => TestData.RandomTokens(random, length, VocabularySize),
                1 => Repeated(random, length),
                _ => Watermarked(scheme, random, length),
            });
        }

        return documents;
    }

    public static GreenListAccumulator Accumulate(KgwScheme scheme, DetectionOptions options, IEnumerable<int[]> documents)
    {
        GreenListAccumulator accumulator = (GreenListAccumulator)scheme.CreateAccumulator(options);
        foreach (int[] document in documents)
        {
            accumulator.Append(document);
            accumulator.EndDocument();
        }

        return accumulator;
    }

    public static byte[] Bytes(GreenListAccumulator accumulator)
    {
        using var stream = new MemoryStream();
        accumulator.WriteTo(stream);
        return stream.ToArray();
    }

    public static GreenListAccumulator Read(byte[] bytes, KgwScheme scheme, DetectionOptions? options = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return GreenListAccumulator.ReadFrom(stream, scheme, options);
    }

    public static AccumulatorState State(GreenListAccumulator accumulator)
    {
        DetectionResult result = accumulator.GetResult();
        Assert.Equal(accumulator.TokenCount, result.TokenCount);
        Assert.Equal(accumulator.ScoredTokens, result.ScoredTokens);
        Assert.Equal(accumulator.GreenTokens, result.GreenTokens);
        return new AccumulatorState(
            accumulator.TokenCount,
            accumulator.ScoredTokens,
            accumulator.GreenTokens,
            result.SkippedPrefix,
            result.SkippedRepeated,
            result.Status,
            result.Log10PValue,
            Convert.ToHexString(Bytes(accumulator)));
    }

    public static AccumulatorState State(DetectionResult result) =>
        new(result.TokenCount, result.ScoredTokens, result.GreenTokens, result.SkippedPrefix, result.SkippedRepeated, result.Status, result.Log10PValue, string.Empty);

    private static int[] Repeated(Random random, int length)
    {
        int[] phrase = TestData.RandomTokens(random, random.Next(1, 7), VocabularySize);
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            tokens[i] = phrase[i % phrase.Length];
        }

        return tokens;
    }

    private static int[] Watermarked(KgwScheme scheme, Random random, int length) =>
        TestData.GreedyWatermarked(scheme.CreateSession(TestData.RandomTokens(random, random.Next(0, 5), VocabularySize)), random, length, 4.0);
}

/// <summary>Everything observable about an accumulator; <see cref="Bytes"/> is its canonical serialization.</summary>
internal sealed record AccumulatorState(long Tokens, long Scored, long Green, long SkippedPrefix, long SkippedRepeated, DetectionStatus Status, double Log10PValue, string Bytes)
{
    /// <summary>Gets whether the counts are ones scoring can produce: every token is a prefix, a repeat or scored.</summary>
    public bool CountsAddUp =>
        Tokens >= 0 && Scored >= 0 && Green >= 0 && SkippedPrefix >= 0 && SkippedRepeated >= 0
        && Green <= Scored && Tokens == SkippedPrefix + SkippedRepeated + Scored;

    public AccumulatorState WithoutBytes() => this with { Bytes = string.Empty };
}
