using System;
using System.IO;
using System.Text;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Gumbel;

/// <summary>
/// Scoring state for a Gumbel-max key that grows token by token (streaming detection) and merges
/// with other accumulators (a corpus scored on many cores or machines), with the p-value computed
/// only at the end.
/// </summary>
/// <remarks>
/// <para>
/// Tokens appended in several calls continue one document until <see cref="EndDocument"/>. With
/// deduplication, each distinct context of a document is scored once (its first occurrence), and
/// across documents each distinct (context seed, token) pair is scored once: the accumulator holds
/// the set of scored pairs and merging takes their union. Each variant's sum is kept in fixed point
/// (every term rounded down to a multiple of 2^-32), so merging is exact, associative and commutative,
/// and gives exactly what one accumulator would have given for all the documents.
/// </para>
/// <para>
/// <see cref="WatermarkAccumulator.WriteTo"/> stores the counts, the sums and the pairs, stamped with the descriptor hash
/// and checksummed; <see cref="ReadFrom"/> refuses state written under another descriptor, and with
/// deduplication recomputes every sum from the pairs (with the scheme's key) and refuses state whose
/// sums differ. The open document's context is not stored: appending after a read starts a new document.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
internal sealed class GumbelAccumulator : ContextAccumulator<GreenListCounts>
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLGMB1");
    private readonly GumbelScheme _scheme;
    private readonly SeedTokenSet? _pairs;
    private readonly ContextSeedSet? _documentContexts;
    private readonly UInt128[] _sums;
    private HashWindow _window;

    internal GumbelAccumulator(GumbelScheme scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        _pairs = options.Deduplicate ? new SeedTokenSet() : null;
        _documentContexts = options.Deduplicate ? new ContextSeedSet() : null;
        _sums = new UInt128[scheme.Variants];
    }

    /// <inheritdoc />
    protected override byte[] StateMagic => s_magic;

    /// <inheritdoc />
    public override void EndDocument()
    {
        _window.Reset();
        _documentContexts?.Clear();
    }

    /// <summary>Adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">An accumulator for the same descriptor and deduplication setting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or was made with another deduplication setting.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    public void Merge(GumbelAccumulator other) => Merge((WatermarkAccumulator)other);

    /// <inheritdoc />
    public override DetectionResult GetResult() => _scheme.Result(Counts, _sums, Deduplicate, MinimumScoredTokens);

    /// <summary>Reads an accumulator written by <see cref="WatermarkAccumulator.WriteTo"/> for <paramref name="scheme"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="scheme">The scheme the state was written for.</param>
    /// <param name="options">Options for the result (the deduplication setting is read from the state).</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, inconsistent, or not a Gumbel-max accumulator.</exception>
    /// <exception cref="DescriptorMismatchException">The state was written under another descriptor.</exception>
    public static GumbelAccumulator ReadFrom(Stream source, GumbelScheme scheme, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheme);
        return ReadState(source, s_magic, scheme.Descriptor, 49, "Gumbel-max", reader =>
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new GumbelAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            GreenListCounts counts = GreenListCounts.ReadFrom(reader, hasGreen: false);

            int variants = reader.ReadInt32();
            if (variants != scheme.Variants)
            {
                throw Inconsistent();
            }

            var sums = new UInt128[variants];
            UInt128 maximum = (UInt128)GumbelScheme.ToFixed(53.0 * Math.Log(2.0)) * (ulong)counts.Scored;
            for (int v = 0; v < variants; v++)
            {
                ulong lo = reader.ReadUInt64();
                ulong hi = reader.ReadUInt64();
                sums[v] = new UInt128(hi, lo);
                if (sums[v] > maximum)
                {
                    // No scored token is worth more than -ln(2^-53).
                    throw Inconsistent();
                }
            }

            int pairs = ReadEntryCount(reader, deduplicate, counts.Scored, 12);
            var entries = new (ulong Seed, int Token, bool Green)[pairs];
            for (int i = 0; i < pairs; i++)
            {
                entries[i] = (reader.ReadUInt64(), reader.ReadInt32(), false);
                if (entries[i].Token < 0 || entries[i].Token >= scheme.VocabularySize)
                {
                    throw Inconsistent();
                }
            }

            accumulator.MergeCounts(counts, sums, deduplicate ? entries : null);
            if (accumulator.Counts.Scored != counts.Scored || !accumulator._sums.AsSpan().SequenceEqual(sums))
            {
                // Duplicate pairs, or sums that the pairs do not give under this key.
                throw Inconsistent();
            }

            return accumulator;
        });
    }

    /// <inheritdoc />
    private protected override void AppendCore(ReadOnlySpan<int> tokens) =>
        _scheme.Score(tokens, ref _window, _documentContexts, _pairs, ref Counts, _sums, default, 0);

    /// <inheritdoc />
    private protected override void AppendCore(int token) =>
        _scheme.Score([token], ref _window, _documentContexts, _pairs, ref Counts, _sums, default, 0);

    /// <inheritdoc />
    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (GumbelAccumulator)other;
        MergeCounts(typed.Counts, typed._sums, typed._pairs?.ToSortedArray());
    }

    /// <inheritdoc />
    protected override void ClearScoringState()
    {
        Array.Clear(_sums);
        EndDocument();
        _pairs?.Clear();
    }

    /// <summary>
    /// Writes the payload: the flags, the five counts, the number of variants and each variant's
    /// fixed-point sum (two 64-bit words, low first), then the scored (context seed, token) pairs in
    /// (seed, token) order (magic <c>DSTLGMB1</c>).
    /// </summary>
    /// <param name="writer">The writer of the state.</param>
    protected override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Deduplicate);
        Counts.WriteTo(writer);
        writer.Write(_sums.Length);
        foreach (UInt128 sum in _sums)
        {
            writer.Write((ulong)sum);
            writer.Write((ulong)(sum >> 64));
        }

        var pairs = _pairs?.ToSortedArray() ?? [];
        writer.Write(pairs.Length);
        foreach (var (seed, token, _) in pairs)
        {
            writer.Write(seed);
            writer.Write(token);
        }
    }

    private void MergeCounts(in GreenListCounts other, ReadOnlySpan<UInt128> sums, (ulong Seed, int Token, bool Green)[]? pairs)
    {
        Counts.Tokens += other.Tokens;
        Counts.SkippedPrefix += other.SkippedPrefix;
        if (_pairs is null)
        {
            Counts.Scored += other.Scored;
            Counts.SkippedRepeated += other.SkippedRepeated;
            for (int v = 0; v < _sums.Length; v++)
            {
                _sums[v] += sums[v];
            }

            return;
        }

        // Every scorable token of either side is now either in the union of the sets or a repeat;
        // the sums are those of the union, recomputed for the pairs this side lacked.
        long scorable = Counts.Scored + Counts.SkippedRepeated + other.Scored + other.SkippedRepeated;
        foreach (var (seed, token, _) in pairs ?? [])
        {
            if (_pairs.TryAdd(seed, token, false))
            {
                _scheme.AddValues(seed, token, _sums, 0);
            }
        }

        Counts.Scored = _pairs.Count;
        Counts.SkippedRepeated = scorable - _pairs.Count;
    }
}
