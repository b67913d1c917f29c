using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Distill.Detection;

namespace Distill.ExpEdit;

/// <summary>
/// A corpus-level EXP-edit permutation test that grows document by document and merges by addition:
/// the statistic is the sum of the documents' alignment costs, recomputed under the same N fresh key
/// sequences for every document.
/// </summary>
/// <remarks>
/// <para>
/// The state is the observed sum and the N fresh-key sums (N + 1 numbers, whatever the corpus size);
/// p = (1 + #{fresh sum &lt;= observed sum}) / (1 + N). The real key and the fresh keys are
/// exchangeable whenever the texts do not depend on the key, so the p-value is exact for the corpus
/// as a whole, however the documents depend on each other. Fisher's combination of per-document
/// p-values would not be: every document is tested against the same key, so two copies of one text
/// give the same p-value twice, and the product is anti-conservative.
/// </para>
/// <para>
/// Each document's cost is rounded to a multiple of 2^-20 (the same rounding for the real and the
/// fresh keys, so the test stays exact) and summed in 64-bit integers: merging is exact, associative
/// and commutative. Early stopping does not apply (every document is scored under all N keys).
/// </para>
/// </remarks>
internal sealed class ExpEditAccumulator : ContextAccumulator<GreenListCounts>
{
    private const double FixedScale = 1099511627776.0;
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLEXE1");

    private readonly ExpEditScheme _scheme;
    private readonly ParallelOptions _parallel;
    private readonly Int128[] _nullSums;
    private readonly List<int> _open = [];
    private Int128 _observedSum;
    private long _documents;

    // The permutation test conditions on the texts and needs no deduplication. The counts are those
    // of the ended documents; the open document's tokens count as scored too.
    internal ExpEditAccumulator(ExpEditScheme scheme, DetectionOptions options, ExpEditDetectionOptions test)
        : base(scheme.Descriptor, options.Deduplicate ? options with { Deduplicate = false } : options)
    {
        _scheme = scheme;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = test.MaxDegreeOfParallelism };
        _nullSums = new Int128[test.Resamples];
    }

    public override long TokenCount => Counts.Tokens + _open.Count;

    public override long ScoredTokens => Counts.Scored + _open.Count;

    /// <summary>Gets the number of fresh key sequences N.</summary>
    public int Resamples => _nullSums.Length;

    /// <summary>Gets the number of documents scored.</summary>
    public long Documents => _documents;

    protected override byte[] StateMagic => s_magic;

    public override void EndDocument()
    {
        if (_open.Count == 0)
        {
            return;
        }

        int[] text = [.. _open];
        _open.Clear();
        (Int128 observed, Int128[] nulls) = ScoreDocument(text);
        _observedSum = checked(_observedSum + observed);
        for (int r = 0; r < _nullSums.Length; r++)
        {
            _nullSums[r] = checked(_nullSums[r] + nulls[r]);
        }

        _documents++;
        Counts.Tokens += text.Length;
        Counts.Scored += text.Length;
    }

    private protected override void AppendCore(ReadOnlySpan<int> tokens)
    {
        foreach (int token in tokens)
        {
            _open.Add(token);
        }
    }

    private protected override void AppendCore(int token) => _open.Add(token);

    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (ExpEditAccumulator)other;
        if (typed.Resamples != Resamples)
        {
            throw new ArgumentException($"An accumulator with {typed.Resamples} resamples cannot be merged into one with {Resamples}.", nameof(other));
        }

        // Checked first, so that an overflow changes nothing.
        Int128 observed = checked(_observedSum + typed._observedSum);
        var sums = new Int128[Resamples];
        for (int r = 0; r < sums.Length; r++)
        {
            sums[r] = checked(_nullSums[r] + typed._nullSums[r]);
        }

        sums.CopyTo(_nullSums, 0);
        _observedSum = observed;
        _documents += typed._documents;
        Counts.Tokens += typed.Counts.Tokens;
        Counts.Scored += typed.Counts.Scored;
    }

    /// <remarks>The open document (tokens appended since the last <see cref="EndDocument"/>) is scored too, without ending it.</remarks>
    public override DetectionResult GetResult()
    {
        Int128 observedSum = _observedSum;
        Int128[] nullSums = _nullSums;
        if (_open.Count > 0)
        {
            (Int128 observed, Int128[] nulls) = ScoreDocument([.. _open]);
            observedSum = checked(observedSum + observed);
            for (int r = 0; r < nulls.Length; r++)
            {
                nulls[r] = checked(nulls[r] + _nullSums[r]);
            }

            nullSums = nulls;
        }

        int hits = 0;
        foreach (Int128 s in nullSums)
        {
            if (s <= observedSum)
            {
                hits++;
            }
        }

        var counts = new GreenListCounts { Tokens = TokenCount, Scored = ScoredTokens };
        double log10P = Math.Log10(1.0 + hits) - Math.Log10(1.0 + Resamples);
        return new DetectionResult(Descriptor, counts, DetectionStatistic.EditAlignment, (double)observedSum / FixedScale, double.NaN, false, MinimumScoredTokens, 0.0, log10P);
    }

    protected override void ClearScoringState()
    {
        Array.Clear(_nullSums);
        _open.Clear();
        _observedSum = 0;
        _documents = 0;
    }

    /// <summary>
    /// Writes the payload of magic <c>DSTLEXE1</c>: N (int32), the document, token and scored counts of
    /// the ended documents (int64), the observed sum and the N fresh-key sums (int128 as low then high
    /// int64, units of 2^-40), the open document's length (int32) and tokens (int32 each), little-endian.
    /// </summary>
    protected override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Resamples);
        writer.Write(_documents);
        writer.Write(Counts.Tokens);
        writer.Write(Counts.Scored);
        WriteInt128(writer, _observedSum);
        foreach (Int128 s in _nullSums)
        {
            WriteInt128(writer, s);
        }

        writer.Write(_open.Count);
        foreach (int token in _open)
        {
            writer.Write(token);
        }
    }

    internal static ExpEditAccumulator ReadFrom(Stream source, ExpEditScheme scheme, DetectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheme);
        const int header = 8 + 16 + 4 + (3 * 8) + 16;
        byte[] data = ReadState(source, s_magic, scheme.Descriptor, 48, "EXP-edit");
        ReadOnlySpan<byte> body = data.AsSpan(0, data.Length - 8);

        int resamples = BinaryPrimitives.ReadInt32LittleEndian(body[24..]);
        long sumsEnd = header + (16L * Math.Max(0, resamples));
        if (resamples is < 1 or > 100_000_000 || body.Length < sumsEnd + 4)
        {
            throw Inconsistent();
        }

        int open = BinaryPrimitives.ReadInt32LittleEndian(body[(int)sumsEnd..]);
        if (open < 0 || body.Length != sumsEnd + 4 + (4L * open))
        {
            throw Inconsistent();
        }

        var accumulator = new ExpEditAccumulator(scheme, options ?? DetectionOptions.Default, new ExpEditDetectionOptions { Resamples = resamples });
        long documents = BinaryPrimitives.ReadInt64LittleEndian(body[28..]);
        long tokens = BinaryPrimitives.ReadInt64LittleEndian(body[36..]);
        long scored = BinaryPrimitives.ReadInt64LittleEndian(body[44..]);
        Int128 observed = ReadInt128(body[52..]);
        bool sumsZero = observed == 0;
        for (int r = 0; r < resamples; r++)
        {
            Int128 s = ReadInt128(body[(header + (16 * r))..]);

            // Costs are never positive, so neither is any sum.
            if (s > 0)
            {
                throw Inconsistent();
            }

            sumsZero &= s == 0;
            accumulator._nullSums[r] = s;
        }

        // Every scored document has at least one token and every token of a stored document is scored.
        if (documents < 0 || tokens < 0 || scored != tokens || documents > tokens || observed > 0 || (documents == 0 && (tokens != 0 || !sumsZero)))
        {
            throw Inconsistent();
        }

        accumulator._documents = documents;
        accumulator.Counts.Tokens = tokens;
        accumulator.Counts.Scored = scored;
        accumulator._observedSum = observed;
        for (int i = 0; i < open; i++)
        {
            int token = BinaryPrimitives.ReadInt32LittleEndian(body[(int)(sumsEnd + 4 + (4L * i))..]);
            if (token < 0 || token >= scheme.VocabularySize)
            {
                throw Inconsistent();
            }

            accumulator._open.Add(token);
        }

        return accumulator;
    }

    private static void WriteInt128(BinaryWriter writer, Int128 value)
    {
        writer.Write((ulong)(value & ulong.MaxValue));
        writer.Write(unchecked((ulong)(long)(value >> 64)));
    }

    private static Int128 ReadInt128(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), BinaryPrimitives.ReadUInt64LittleEndian(source));

    private (Int128 Observed, Int128[] Nulls) ScoreDocument(int[] text)
    {
        Int128 observed = ToFixed(_scheme.Statistic(text, 0).Cost);
        var nulls = new Int128[_nullSums.Length];
        Parallel.For(
            0,
            nulls.Length,
            _parallel,
            () => _scheme.RentScratch(text.Length),
            (r, _, scratch) =>
            {
                ExpEditAlignment.FillCosts(_scheme.Key, r + 1, text, scratch);
                nulls[r] = ToFixed(ExpEditAlignment.Minimize(scratch, (float)_scheme.Options.EditPenalty).Cost);
                return scratch;
            },
            _scheme.ReturnScratch);
        return (observed, nulls);
    }

    private static Int128 ToFixed(float cost) => (Int128)Math.Round(cost * FixedScale, MidpointRounding.ToEven);
}
