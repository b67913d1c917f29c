using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using Distill.Detection;
using Distill.Gumbel;

namespace Distill.Tests.Gumbel;

public class GumbelAccumulatorTests
{
    // Layout: magic (8), descriptor hash (16), deduplicate (1), five counts (40), variants (4),
    // sums (16 each), pair count (4), pairs (12 each), checksum (8).
    private const int CountsOffset = 8 + 16 + 1;
    private const int SumsOffset = CountsOffset + (5 * 8) + 4;

    private static List<int[]> Documents(GumbelScheme scheme, int seed)
    {
        var random = new Random(seed);
        var documents = new List<int[]>();
        for (int d = 0; d < 6; d++)
        {
            int variant = d % scheme.Options.Variants;
            documents.Add(GumbelTestData.Generate(scheme.CreateSession([d, 1, 2, 3], variant), random, 40 + (10 * d), 2.0));
        }

        // Repeats inside a document and across documents.
        documents.Add([.. documents[0], .. documents[0][5..30]]);
        documents.Add(documents[1]);
        documents.Add(TestData.RandomTokens(random, 50, scheme.VocabularySize));
        return documents;
    }

    private static GumbelAccumulator Filled(GumbelScheme scheme, IEnumerable<int[]> documents, bool deduplicate)
    {
        GumbelAccumulator accumulator = (GumbelAccumulator)scheme.CreateAccumulator(new DetectionOptions { Deduplicate = deduplicate });
        foreach (int[] document in documents)
        {
            // Split appends continue the document.
            accumulator.Append(document.AsSpan(0, document.Length / 3));
            foreach (int token in document[(document.Length / 3)..])
            {
                accumulator.Append(token);
            }

            accumulator.EndDocument();
        }

        return accumulator;
    }

    private static string State(WatermarkAccumulator accumulator)
    {
        DetectionResult r = accumulator.GetResult();
        return FormattableString.Invariant($"{r.TokenCount}/{r.ScoredTokens}/{r.SkippedPrefix}/{r.SkippedRepeated}/{r.Score:R}/{r.Log10PValue:R}");
    }

    private static byte[] Bytes(WatermarkAccumulator accumulator)
    {
        using var stream = new MemoryStream();
        accumulator.WriteTo(stream);
        return stream.ToArray();
    }

    private static GumbelAccumulator Read(byte[] bytes, GumbelScheme scheme) => (GumbelAccumulator)scheme.ReadAccumulator(new MemoryStream(bytes));

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    public void Merging_equals_scoring_everything_in_one_accumulator(bool deduplicate, int variants)
    {
        GumbelScheme scheme = GumbelTestData.Scheme(21, variants: variants);
        List<int[]> documents = Documents(scheme, 4);
        string whole = State(Filled(scheme, documents, deduplicate));
        for (int split = 0; split <= documents.Count; split++)
        {
            GumbelAccumulator left = Filled(scheme, documents.Take(split), deduplicate);
            GumbelAccumulator right = Filled(scheme, documents.Skip(split), deduplicate);
            GumbelAccumulator reversed = Filled(scheme, documents.Skip(split), deduplicate);
            reversed.Merge(Filled(scheme, documents.Take(split), deduplicate));
            left.Merge(right);
            Assert.Equal(whole, State(left));
            Assert.Equal(whole, State(reversed));
        }

        // One document in an accumulator is Detect.
        DetectionResult one = Filled(scheme, documents.Take(1), deduplicate).GetResult();
        DetectionResult detect = scheme.Detect(documents[0], new DetectionOptions { Deduplicate = deduplicate });
        Assert.Equal(detect.Score, one.Score);
        Assert.Equal(detect.Log10PValue, one.Log10PValue);
        Assert.Equal(detect.ScoredTokens, one.ScoredTokens);
        Assert.True(one.Log10PValue < -5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Serialization_round_trips(bool deduplicate)
    {
        GumbelScheme scheme = GumbelTestData.Scheme(22, variants: 2);
        GumbelAccumulator accumulator = Filled(scheme, Documents(scheme, 5), deduplicate);
        GumbelAccumulator read = Read(Bytes(accumulator), scheme);
        Assert.Equal(State(accumulator), State(read));
        Assert.Equal(deduplicate, read.Deduplicate);
        Assert.Equal(Bytes(accumulator), Bytes(read));

        // A read accumulator keeps deduplicating against what it holds.
        read.Append(Documents(scheme, 5)[0]);
        accumulator.Append(Documents(scheme, 5)[0]);
        Assert.Equal(State(accumulator), State(read));

        read.Reset();
        Assert.Equal(0, read.TokenCount);
        Assert.Equal(0, read.GetResult().Score);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Truncated_corrupt_and_foreign_state_is_refused(bool deduplicate)
    {
        GumbelScheme scheme = GumbelTestData.Scheme(23);
        byte[] bytes = Bytes(Filled(scheme, Documents(scheme, 6), deduplicate));
        for (int length = 0; length < bytes.Length; length += 7)
        {
            Assert.Throws<InvalidDataException>(() => Read(bytes[..length], scheme));
        }

        Assert.Throws<InvalidDataException>(() => Read([.. bytes, 0], scheme));
        for (int i = 0; i < bytes.Length; i += 5)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[i] ^= 0x10;
            Assert.ThrowsAny<Exception>(() => Read(flipped, scheme));
        }

        Assert.Throws<DescriptorMismatchException>(() => Read(bytes, GumbelTestData.Scheme(24)));
        Assert.Throws<DescriptorMismatchException>(() => Read(bytes, GumbelTestData.Scheme(23, contextWidth: 3)));
        Assert.Throws<InvalidDataException>(() => Distill.GreenList.KgwScheme.Create(TestData.KeyFor(23), null, 1000, "test").ReadAccumulator(new MemoryStream(bytes)));
    }

    [Fact]
    public void Sums_that_the_pairs_do_not_give_are_refused_even_with_a_valid_checksum()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(25);
        byte[] bytes = Bytes(Filled(scheme, Documents(scheme, 7), deduplicate: true));
        byte[] tampered = (byte[])bytes.Clone();
        ulong sum = BinaryPrimitives.ReadUInt64LittleEndian(tampered.AsSpan(SumsOffset));
        BinaryPrimitives.WriteUInt64LittleEndian(tampered.AsSpan(SumsOffset), sum + (1UL << 36));
        Rechecksum(tampered);
        Assert.Throws<InvalidDataException>(() => Read(tampered, scheme));

        // Counts that do not add up, too.
        tampered = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(tampered.AsSpan(CountsOffset), 1);
        Rechecksum(tampered);
        Assert.Throws<InvalidDataException>(() => Read(tampered, scheme));
    }

    [Fact]
    public void Accumulators_of_other_settings_do_not_merge()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(26);
        GumbelAccumulator a = (GumbelAccumulator)scheme.CreateAccumulator();
        Assert.Throws<ArgumentException>(() => a.Merge(a));
        Assert.Throws<ArgumentException>(() => a.Merge(scheme.CreateAccumulator(new DetectionOptions { Deduplicate = false })));
        Assert.Throws<DescriptorMismatchException>(() => a.Merge(GumbelTestData.Scheme(27).CreateAccumulator()));
        Assert.Throws<ArgumentNullException>(() => a.Merge((WatermarkAccumulator)null!));
    }

    private static void Rechecksum(byte[] bytes) =>
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
}
