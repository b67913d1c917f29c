using System;
using System.IO;
using Distill.Detection;
using Distill.ExpEdit;

namespace Distill.Tests.ExpEdit;

public class ExpEditAccumulatorTests
{
    private const int Vocabulary = 500;
    private static readonly ExpEditScheme s_scheme = ExpEditScheme.Create(TestData.FixedKey, null, Vocabulary);
    private static readonly ExpEditDetectionOptions s_test = new() { Resamples = 49 };

    private static int[][] Documents()
    {
        var random = new Random(4);
        return
        [
            ExpEditTestData.Generate(s_scheme, random, 30, 2.0, 3),
            TestData.RandomTokens(random, 25, Vocabulary),
            ExpEditTestData.Generate(s_scheme, random, 20, 2.0, 200),
            TestData.RandomTokens(random, 12, Vocabulary),
        ];
    }

    private static WatermarkAccumulator Fill(params int[][] documents)
    {
        WatermarkAccumulator accumulator = s_scheme.CreateCorpusAccumulator(null, s_test);
        foreach (int[] document in documents)
        {
            accumulator.Append(document.AsSpan(0, document.Length / 2));
            accumulator.Append(document.AsSpan(document.Length / 2));
            accumulator.EndDocument();
        }

        return accumulator;
    }

    private static byte[] Bytes(WatermarkAccumulator accumulator)
    {
        using var stream = new MemoryStream();
        accumulator.WriteTo(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Merge_equals_scoring_everything_in_one()
    {
        int[][] d = Documents();
        WatermarkAccumulator all = Fill(d);
        WatermarkAccumulator left = Fill(d[0], d[3]), right = Fill(d[2], d[1]);
        left.Merge(right);
        Assert.Equal(Bytes(all), Bytes(left));
        DetectionResult result = all.GetResult();
        Assert.Equal(DetectionStatistic.EditAlignment, result.Statistic);
        Assert.Equal(87, result.ScoredTokens);
        Assert.True(result.Log10PValue <= -1.69, result.ToString());
    }

    [Fact]
    public void Corpus_test_is_exact_for_one_document()
    {
        int[] text = Documents()[1];
        WatermarkAccumulator accumulator = Fill(text);
        ExpEditDetection single = s_scheme.Detect(text, null, s_test with { EarlyStopHits = 0 });
        Assert.Equal(single.Result.Log10PValue, accumulator.GetResult().Log10PValue, 9);
    }

    [Fact]
    public void State_round_trips_and_bad_state_is_refused()
    {
        WatermarkAccumulator accumulator = Fill(Documents());
        byte[] bytes = Bytes(accumulator);
        WatermarkAccumulator read = s_scheme.ReadAccumulator(new MemoryStream(bytes));
        Assert.Equal(bytes, Bytes(read));
        Assert.Equal(accumulator.GetResult().Log10PValue, read.GetResult().Log10PValue);

        Assert.Throws<InvalidDataException>(() => s_scheme.ReadAccumulator(new MemoryStream(bytes[..^9])));
        byte[] corrupt = (byte[])bytes.Clone();
        corrupt[40] ^= 1;
        Assert.Throws<InvalidDataException>(() => s_scheme.ReadAccumulator(new MemoryStream(corrupt)));
        var other = ExpEditScheme.Create(TestData.KeyFor(2), null, Vocabulary);
        Assert.Throws<DescriptorMismatchException>(() => other.ReadAccumulator(new MemoryStream(bytes)));
    }

    [Fact]
    public void Mismatched_merges_are_refused()
    {
        WatermarkAccumulator accumulator = Fill();
        Assert.Throws<ArgumentException>(() => accumulator.Merge(accumulator));
        Assert.Throws<ArgumentException>(() => accumulator.Merge(s_scheme.CreateCorpusAccumulator(null, new ExpEditDetectionOptions { Resamples = 9 })));
        var other = ExpEditScheme.Create(TestData.KeyFor(2), null, Vocabulary);
        Assert.Throws<DescriptorMismatchException>(() => accumulator.Merge(other.CreateAccumulator()));
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Append([Vocabulary]));
        Assert.Equal(0, accumulator.TokenCount);
        accumulator.Append(3);
        accumulator.Reset();
        Assert.Equal(0, accumulator.TokenCount);
    }
}
