using System;
using System.IO;
using Distill.Detection;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

public class SynthIdAccumulatorTests
{
    private const int Vocabulary = 2000;

    private static int[][] Documents()
    {
        var random = new Random(21);
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        int[] marked = SynthIdTestData.SampleWatermarked(scheme.CreateSession([1, 2, 3, 4]), random, 80, 2.0);
        int[] plain = TestData.RandomTokens(random, 70, Vocabulary);

        // Repeats within and across documents exercise masking and deduplication.
        return [marked, plain, [.. marked[..30], .. marked[..30]], [.. plain[10..50], 7, 7, 7, 7, 7, 7, 7]];
    }

    private static void AssertSame(DetectionResult expected, DetectionResult actual)
    {
        Assert.Equal(expected.TokenCount, actual.TokenCount);
        Assert.Equal(expected.ScoredTokens, actual.ScoredTokens);
        Assert.Equal(expected.SkippedPrefix, actual.SkippedPrefix);
        Assert.Equal(expected.SkippedRepeated, actual.SkippedRepeated);
        Assert.Equal(expected.Score, actual.Score);
        Assert.Equal(expected.Log10PValue, actual.Log10PValue);
        Assert.Equal(expected.Statistic, actual.Statistic);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_document_in_pieces_equals_detect(bool deduplicate)
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        var options = new DetectionOptions { Deduplicate = deduplicate };
        int[][] documents = Documents();
        foreach (int[] document in documents)
        {
            WatermarkAccumulator accumulator = scheme.CreateAccumulator(options);
            accumulator.Append(document.AsSpan(0, 3));
            accumulator.Append(document[3]);
            accumulator.Append(document.AsSpan(4));
            AssertSame(scheme.Detect(document, options), accumulator.GetResult());
            AssertSame(scheme.DetectWeighted(document, options), scheme.GetWeightedResult(accumulator));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Merge_and_round_trip_equal_one_accumulator(bool deduplicate)
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        var options = new DetectionOptions { Deduplicate = deduplicate };
        int[][] documents = Documents();
        WatermarkAccumulator all = scheme.CreateAccumulator(options);
        WatermarkAccumulator left = scheme.CreateAccumulator(options), right = scheme.CreateAccumulator(options);
        for (int i = 0; i < documents.Length; i++)
        {
            all.Append(documents[i]);
            all.EndDocument();
            WatermarkAccumulator side = i % 2 == 0 ? left : right;
            side.Append(documents[i]);
            side.EndDocument();
        }

        // Through serialization, then merged.
        using var stream = new MemoryStream();
        right.WriteTo(stream);
        WatermarkAccumulator read = scheme.ReadAccumulator(new MemoryStream(stream.ToArray()));
        left.Merge(read);
        AssertSame(all.GetResult(), left.GetResult());
        AssertSame(scheme.GetWeightedResult(all), scheme.GetWeightedResult(left));
        Assert.Equal(deduplicate, read.Deduplicate);

        left.Reset();
        Assert.Equal(0, left.TokenCount);
        Assert.Equal(0, left.ScoredTokens);
    }

    [Fact]
    public void Corrupt_truncated_or_foreign_state_is_refused()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        WatermarkAccumulator accumulator = scheme.CreateAccumulator();
        accumulator.Append(Documents()[0]);
        using var stream = new MemoryStream();
        accumulator.WriteTo(stream);
        byte[] bytes = stream.ToArray();

        for (int i = 0; i < bytes.Length; i += 7)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[i] ^= 0x10;
            Assert.ThrowsAny<Exception>(() => scheme.ReadAccumulator(new MemoryStream(flipped)));
        }

        Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(bytes[..^1])));
        Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(bytes[..20])));
        var other = SynthIdScheme.Create(TestData.KeyFor(3), null, Vocabulary);
        Assert.Throws<DescriptorMismatchException>(() => other.ReadAccumulator(new MemoryStream(bytes)));
        Assert.Throws<DescriptorMismatchException>(() => accumulator.Merge(other.CreateAccumulator()));
        Assert.Throws<DescriptorMismatchException>(() => other.GetWeightedResult(accumulator));
        Assert.Throws<ArgumentException>(() => accumulator.Merge(accumulator));
        Assert.Throws<ArgumentException>(() => accumulator.Merge(scheme.CreateAccumulator(new DetectionOptions { Deduplicate = false })));
    }
}
