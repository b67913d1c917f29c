using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using static Distill.Tests.Accumulators.AccumulatorTestData;

namespace Distill.Tests.Accumulators;

public class GreenListAccumulatorTests
{
    // Layout written by WriteTo: magic (8), descriptor hash (16), deduplicate (1), five counts (40),
    // pair count (4), pairs (13 each), checksum (8).
    private const int CountsOffset = 8 + 16 + 1;
    private const int PairCountOffset = CountsOffset + (5 * 8);
    private const int PairsOffset = PairCountOffset + 4;

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void ReadFrom_refuses_state_written_under_another_descriptor(bool deduplicate, bool selfHash)
    {
        KgwScheme scheme = Scheme(1, selfHash);
        byte[] bytes = Bytes(Filled(scheme, deduplicate));

        KgwOptions options = selfHash ? KgwOptions.Default : KgwOptions.LeftHash;
        KgwScheme otherKey = Scheme(2, selfHash);
        KgwScheme otherGamma = KgwScheme.Create(TestData.KeyFor(1), options with { Gamma = 0.5 }, VocabularySize, "tiny");
        KgwScheme otherTokenizer = KgwScheme.Create(TestData.KeyFor(1), options, VocabularySize, "other");
        KgwScheme otherSeeding = Scheme(1, !selfHash);
        foreach (KgwScheme other in new[] { otherKey, otherGamma, otherTokenizer, otherSeeding })
        {
            var ex = Assert.Throws<DescriptorMismatchException>(() => Read(bytes, other));
            Assert.Contains(scheme.Descriptor.Hash, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(State(Filled(scheme, deduplicate)), State(Read(bytes, scheme)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_truncation_is_refused(bool deduplicate)
    {
        KgwScheme scheme = Scheme(3, selfHash: true);
        byte[] bytes = Bytes(Filled(scheme, deduplicate));
        Assert.True(!deduplicate || bytes.Length > PairsOffset + (13 * 50), $"only {bytes.Length} bytes");
        for (int length = 0; length < bytes.Length; length++)
        {
            AssertInvalid(bytes[..length], scheme, $"prefix of {length} of {bytes.Length} bytes");
        }

        // Extra bytes are refused too.
        AssertInvalid([.. bytes, 0], scheme, "one byte appended");
        AssertInvalid([.. bytes, .. bytes], scheme, "written twice");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_flipped_bit_is_refused(bool deduplicate)
    {
        KgwScheme scheme = Scheme(4, selfHash: false);
        byte[] bytes = Bytes(Filled(scheme, deduplicate));
        for (int i = 0; i < bytes.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] flipped = (byte[])bytes.Clone();
                flipped[i] ^= (byte)(1 << bit);
                AssertInvalid(flipped, scheme, $"bit {bit} of byte {i} of {bytes.Length}");
            }
        }
    }

    [Fact]
    public void Data_that_is_not_an_accumulator_is_refused()
    {
        KgwScheme scheme = Scheme(5, selfHash: true);
        AssertInvalid([], scheme, "empty");
        AssertInvalid(new byte[200], scheme, "zeros");
        var random = new Random(5);
        for (int i = 0; i < 50; i++)
        {
            var garbage = new byte[random.Next(1, 400)];
            random.NextBytes(garbage);
            AssertInvalid(garbage, scheme, $"random #{i}");
        }

        // A correct checksum over another magic.
        byte[] bytes = Bytes(Filled(scheme, deduplicate: true));
        bytes[0] = (byte)'X';
        AssertInvalid(Reseal(bytes), scheme, "another magic");
    }

    [Fact]
    public void Resealed_data_with_inconsistent_pairs_is_refused()
    {
        KgwScheme scheme = Scheme(6, selfHash: true);
        byte[] bytes = Bytes(Filled(scheme, deduplicate: true));
        int pairs = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(PairCountOffset));
        Assert.True(pairs > 10);

        // One pair more or fewer than the data holds.
        byte[] more = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(more.AsSpan(PairCountOffset), pairs + 1);
        AssertInvalid(Reseal(more), scheme, "pair count + 1");

        byte[] negative = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(negative.AsSpan(PairCountOffset), -1);
        AssertInvalid(Reseal(negative), scheme, "pair count -1");

        // The second pair a copy of the first: the set holds one pair fewer than the scored count.
        byte[] duplicate = (byte[])bytes.Clone();
        bytes.AsSpan(PairsOffset, 13).CopyTo(duplicate.AsSpan(PairsOffset + 13));
        AssertInvalid(Reseal(duplicate), scheme, "duplicated pair");

        // The scored count disagrees with the set.
        byte[] scored = (byte[])bytes.Clone();
        WriteCount(scored, 3, ReadCount(bytes, 3) + 1);
        AssertInvalid(Reseal(scored), scheme, "scored + 1");
    }

    // Counts, in order: 0 tokens, 1 skipped prefix, 2 skipped repeated, 3 scored, 4 green.
    [Theory]
    [InlineData(false, 4, 1000L, false)]          // more green tokens than scored ones: log10 p = -infinity
    [InlineData(false, 4, -1L, true)]             // green below zero
    [InlineData(false, 0, -1L, false)]            // one token fewer than prefix + repeated + scored
    [InlineData(true, 0, -7L, true)]              // tokens below zero
    [InlineData(true, 1, long.MaxValue, true)]    // more prefix tokens than tokens (and sums that overflow)
    public void Resealed_data_with_impossible_counts_is_refused(bool deduplicate, int index, long value, bool absolute)
    {
        // The checksum only catches accidents; counts that scoring cannot produce must still be refused,
        // or a crafted file claims any p-value (green > scored gives log10 p = -infinity).
        KgwScheme scheme = Scheme(7, selfHash: false);
        byte[] bytes = Bytes(Filled(scheme, deduplicate));
        Assert.True(State(Read(bytes, scheme)).CountsAddUp);
        WriteCount(bytes, index, absolute ? value : ReadCount(bytes, index) + value);
        AssertInvalid(Reseal(bytes), scheme, $"count {index} set to {ReadCount(bytes, index)}");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(VocabularySize)]
    [InlineData(int.MaxValue)]
    public void Resealed_data_with_an_out_of_vocabulary_token_is_refused(int token)
    {
        // No scoring produces such a pair; and a negative id must not surface as an OverflowException.
        KgwScheme scheme = Scheme(15, selfHash: true);
        byte[] bytes = Bytes(Filled(scheme, deduplicate: true));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(PairsOffset + 8), token);
        AssertInvalid(Reseal(bytes), scheme, $"token {token} in the first pair");
    }

    [Fact]
    public void Resealed_data_with_a_wrong_green_flag_is_refused()
    {
        // Greenness is a function of the (seed, token) pair, which the reader can recompute without the key.
        KgwScheme scheme = Scheme(16, selfHash: false);
        byte[] bytes = Bytes(Filled(scheme, deduplicate: true));
        int flag = PairsOffset + 12;
        bool green = bytes[flag] != 0;
        bytes[flag] = green ? (byte)0 : (byte)1;
        WriteCount(bytes, 4, ReadCount(bytes, 4) + (green ? -1 : 1));
        AssertInvalid(Reseal(bytes), scheme, $"first pair's flag set to {!green}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Merge_with_another_descriptor_throws_and_changes_nothing(bool deduplicate)
    {
        KgwScheme scheme = Scheme(8, selfHash: true);
        GreenListAccumulator target = Filled(scheme, deduplicate);
        AccumulatorState before = State(target);
        foreach (KgwScheme other in new[] { Scheme(9, selfHash: true), Scheme(8, selfHash: false), KgwScheme.Create(TestData.KeyFor(8), KgwOptions.Default with { Delta = 3 }, VocabularySize, "tiny") })
        {
            GreenListAccumulator source = Filled(other, deduplicate);
            AccumulatorState sourceBefore = State(source);
            Assert.Throws<DescriptorMismatchException>(() => target.Merge(source));
            Assert.Equal(before, State(target));
            Assert.Equal(sourceBefore, State(source));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Merge_with_itself_throws_and_changes_nothing(bool deduplicate)
    {
        GreenListAccumulator accumulator = Filled(Scheme(10, selfHash: false), deduplicate);
        AccumulatorState before = State(accumulator);
        var ex = Assert.Throws<ArgumentException>(() => accumulator.Merge(accumulator));
        Assert.Equal("other", ex.ParamName);
        Assert.Equal(before, State(accumulator));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Merge_across_deduplication_settings_throws_and_changes_nothing(bool targetDeduplicates)
    {
        KgwScheme scheme = Scheme(11, selfHash: true);
        GreenListAccumulator target = Filled(scheme, targetDeduplicates);
        GreenListAccumulator source = Filled(scheme, !targetDeduplicates);
        AccumulatorState before = State(target), sourceBefore = State(source);
        var ex = Assert.Throws<ArgumentException>(() => target.Merge(source));
        Assert.Equal("other", ex.ParamName);
        Assert.Equal(before, State(target));
        Assert.Equal(sourceBefore, State(source));
    }

    [Fact]
    public void Merge_with_null_throws()
    {
        GreenListAccumulator accumulator = (GreenListAccumulator)Scheme(12, selfHash: true).CreateAccumulator();
        Assert.Equal("other", Assert.Throws<ArgumentNullException>(() => accumulator.Merge(null!)).ParamName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reset_returns_to_empty(bool deduplicate)
    {
        KgwScheme scheme = Scheme(13, selfHash: true);
        GreenListAccumulator accumulator = Filled(scheme, deduplicate);
        Assert.True(accumulator.ScoredTokens > 0);
        accumulator.Reset();
        Assert.Equal(State((GreenListAccumulator)scheme.CreateAccumulator(Options(deduplicate))), State(accumulator));

        // Reset also ends the open document and forgets the scored pairs.
        int[] document = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7];
        accumulator.Append(document.AsSpan(0, 5));
        accumulator.Reset();
        accumulator.Append(document);
        Assert.Equal(State(scheme.Detect(document, Options(deduplicate))), State(accumulator).WithoutBytes());
    }

    [Fact]
    public void Deduplication_counts_a_repeated_document_once()
    {
        // Not a tautology of the merge code: a repeated document adds only repeats.
        KgwScheme scheme = Scheme(14, selfHash: true);
        int[] document = TestData.RandomTokens(new Random(14), 80, VocabularySize);
        GreenListAccumulator once = Accumulate(scheme, Options(true), [document]);
        GreenListAccumulator twice = Accumulate(scheme, Options(true), [document, document]);
        Assert.Equal(once.ScoredTokens, twice.ScoredTokens);
        Assert.Equal(once.GreenTokens, twice.GreenTokens);
        Assert.Equal(2 * once.TokenCount, twice.TokenCount);
        Assert.Equal(once.GetResult().Log10PValue, twice.GetResult().Log10PValue);

        GreenListAccumulator plain = Accumulate(scheme, Options(false), [document, document]);
        Assert.Equal(2 * scheme.Detect(document, Options(false)).ScoredTokens, plain.ScoredTokens);
    }

    private static GreenListAccumulator Filled(KgwScheme scheme, bool deduplicate)
    {
        var random = new Random(scheme.Descriptor.KeyId.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        return Accumulate(scheme, Options(deduplicate), Enumerable.Range(0, 4).Select(_ => TestData.RandomTokens(random, 60, VocabularySize)));
    }

    private static void AssertInvalid(byte[] bytes, KgwScheme scheme, string what)
    {
        Exception? caught = Record.Exception(() => Read(bytes, scheme));
        if (caught is not InvalidDataException)
        {
            throw new Xunit.Sdk.XunitException($"{what}: expected InvalidDataException, got {caught?.GetType().Name ?? "success"}: {caught?.Message}");
        }
    }

    private static long ReadCount(byte[] bytes, int index) => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(CountsOffset + (8 * index)));

    private static void WriteCount(byte[] bytes, int index, long value) => BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(CountsOffset + (8 * index)), value);

    // Recomputes the trailing checksum, as anyone can: it guards against accidents, not forgery.
    private static byte[] Reseal(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        return bytes;
    }
}
