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
/// <see cref="WriteTo"/> stores the counts, the sums and the pairs, stamped with the descriptor hash
/// and checksummed; <see cref="ReadFrom"/> refuses state written under another descriptor, and with
/// deduplication recomputes every sum from the pairs (with the scheme's key) and refuses state whose
/// sums differ. The open document's context is not stored: appending after a read starts a new document.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
internal sealed class GumbelAccumulator : WatermarkAccumulator
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLGMB1");
    private readonly GumbelScheme _scheme;
    private readonly SeedTokenSet? _pairs;
    private readonly ContextSeedSet? _documentContexts;
    private readonly int _minimumScoredTokens;
    private readonly UInt128[] _sums;
    private GreenListCounts _counts;
    private HashWindow _window;

    internal GumbelAccumulator(GumbelScheme scheme, DetectionOptions options)
    {
        _scheme = scheme;
        Deduplicate = options.Deduplicate;
        _minimumScoredTokens = options.MinimumScoredTokens;
        _pairs = options.Deduplicate ? new SeedTokenSet() : null;
        _documentContexts = options.Deduplicate ? new ContextSeedSet() : null;
        _sums = new UInt128[scheme.Variants];
    }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor => _scheme.Descriptor;

    /// <inheritdoc />
    public override bool Deduplicate { get; }

    /// <inheritdoc />
    public override long TokenCount => _counts.Tokens;

    /// <inheritdoc />
    public override long ScoredTokens => _counts.Scored;

    /// <inheritdoc />
    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        _scheme.Score(tokens, ref _window, _documentContexts, _pairs, ref _counts, _sums, default, 0);
    }

    /// <inheritdoc />
    public override void Append(int token)
    {
        LogitsGuard.ValidateToken(token, _scheme.VocabularySize, nameof(token));
        _scheme.Score([token], ref _window, _documentContexts, _pairs, ref _counts, _sums, default, 0);
    }

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
    public override void Merge(WatermarkAccumulator other)
    {
        GumbelAccumulator typed = CheckMergeable<GumbelAccumulator>(other);
        MergeCounts(typed._counts, typed._sums, typed._pairs?.ToSortedArray());
    }

    /// <inheritdoc />
    public override DetectionResult GetResult() => _scheme.Result(_counts, _sums, Deduplicate, _minimumScoredTokens);

    /// <inheritdoc />
    public override void Reset()
    {
        _counts = default;
        Array.Clear(_sums);
        EndDocument();
        _pairs?.Clear();
    }

    /// <summary>
    /// Writes the accumulator's state: magic <c>DSTLGMB1</c>, the descriptor hash, the flags, the five
    /// counts, the number of variants and each variant's fixed-point sum (two 64-bit words, low first),
    /// the scored (context seed, token) pairs in (seed, token) order, and an XxHash64 checksum of all that.
    /// </summary>
    /// <param name="destination">The stream to write to.</param>
    public override void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteState(destination, s_magic, Descriptor, writer =>
        {
            writer.Write(Deduplicate);
            _counts.WriteTo(writer);
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
        });
    }

    /// <summary>Reads an accumulator written by <see cref="WriteTo"/> for <paramref name="scheme"/>.</summary>
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
        byte[] data = ReadState(source, s_magic, scheme.Descriptor, 49, "Gumbel-max");
        using BinaryReader reader = PayloadReader(data, s_magic);
        try
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new GumbelAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            GreenListCounts counts = GreenListCounts.ReadFrom(reader, hasGreen: false);

            int variants = reader.ReadInt32();
            if (variants != scheme.Variants)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
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
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }
            }

            int pairs = reader.ReadInt32();
            if (pairs < 0 || (deduplicate ? pairs != counts.Scored : pairs != 0) || (long)pairs * 12 != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            var entries = new (ulong Seed, int Token, bool Green)[pairs];
            for (int i = 0; i < pairs; i++)
            {
                entries[i] = (reader.ReadUInt64(), reader.ReadInt32(), false);
                if (entries[i].Token < 0 || entries[i].Token >= scheme.VocabularySize)
                {
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }
            }

            accumulator.MergeCounts(counts, sums, deduplicate ? entries : null);
            if (accumulator._counts.Scored != counts.Scored || !accumulator._sums.AsSpan().SequenceEqual(sums))
            {
                // Duplicate pairs, or sums that the pairs do not give under this key.
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            return accumulator;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The accumulator data is truncated.");
        }
    }

    private void MergeCounts(in GreenListCounts other, ReadOnlySpan<UInt128> sums, (ulong Seed, int Token, bool Green)[]? pairs)
    {
        _counts.Tokens += other.Tokens;
        _counts.SkippedPrefix += other.SkippedPrefix;
        if (_pairs is null)
        {
            _counts.Scored += other.Scored;
            _counts.SkippedRepeated += other.SkippedRepeated;
            for (int v = 0; v < _sums.Length; v++)
            {
                _sums[v] += sums[v];
            }

            return;
        }

        // Every scorable token of either side is now either in the union of the sets or a repeat;
        // the sums are those of the union, recomputed for the pairs this side lacked.
        long scorable = _counts.Scored + _counts.SkippedRepeated + other.Scored + other.SkippedRepeated;
        foreach (var (seed, token, _) in pairs ?? [])
        {
            if (_pairs.TryAdd(seed, token, false))
            {
                _scheme.AddValues(seed, token, _sums, 0);
            }
        }

        _counts.Scored = _pairs.Count;
        _counts.SkippedRepeated = scorable - _pairs.Count;
    }
}
