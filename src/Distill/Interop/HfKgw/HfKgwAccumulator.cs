using System;
using System.IO;
using System.Text;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Interop;

/// <summary>
/// Streaming, mergeable scoring state of an <see cref="HfKgwScheme"/>: the counts and, with
/// deduplication, the set of scored (32-bit generator seed, token) pairs across the whole corpus.
/// </summary>
/// <remarks>
/// <para>
/// Tokens appended in several calls continue one document until <see cref="EndDocument"/>, scored from
/// the reference's first position in each document. Merging takes the union of the pair sets, so it
/// is associative, commutative and exact: the result equals one accumulator fed every document.
/// Merging ends the open document of neither side.
/// </para>
/// <para>
/// <see cref="WatermarkAccumulator.WriteTo"/> stores magic <c>DSTLHFK1</c> (<c>DSTLHFK2</c> under a reference filter, with the common count after the repeated one), the descriptor hash, the flag, the five counts
/// and the pairs in (seed, token) order, checksummed; <see cref="ReadFrom"/> refuses truncated, corrupt
/// or inconsistent state (a pair whose greenness is not the reference's, counts that no scoring gives).
/// The open document's context is not stored: appending after a read starts a new document.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
internal sealed class HfKgwAccumulator : ContextAccumulator<GreenListCounts>
{
    private const int MaxTail = HfKgwOptions.MaxContextWidth;
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLHFK1");

    // States of schemes with a reference filter also store the common count.
    private static readonly byte[] s_filteredMagic = Encoding.ASCII.GetBytes("DSTLHFK2");
    private readonly HfKgwScheme _scheme;
    private readonly SeedTokenSet? _seen;
    private readonly int[] _tail = new int[MaxTail];
    private int _tailLength;
    private long _position;

    internal HfKgwAccumulator(HfKgwScheme scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        _seen = options.Deduplicate ? new SeedTokenSet() : null;
    }

    /// <summary>Gets the number of green tokens so far.</summary>
    public long GreenTokens => Counts.Green;

    /// <inheritdoc />
    protected override byte[] StateMagic => Descriptor.Reference is not null ? s_filteredMagic : s_magic;

    /// <inheritdoc />
    public override void EndDocument()
    {
        _tailLength = 0;
        _position = 0;
    }

    /// <summary>Adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">An accumulator for the same descriptor and deduplication setting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or was made with another deduplication setting.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    public void Merge(HfKgwAccumulator other) => Merge((WatermarkAccumulator)other);

    /// <inheritdoc />
    public override DetectionResult GetResult() =>
        new(Descriptor, Counts, _scheme.EffectiveGamma, Deduplicate, MinimumScoredTokens);

    /// <summary>Reads an accumulator written by <see cref="WatermarkAccumulator.WriteTo"/> for <paramref name="scheme"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="scheme">The scheme the state was written for.</param>
    /// <param name="options">Options for the result (the deduplication setting is read from the state).</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, inconsistent, or not an hf-kgw accumulator.</exception>
    /// <exception cref="DescriptorMismatchException">The state was written under another descriptor.</exception>
    public static HfKgwAccumulator ReadFrom(Stream source, HfKgwScheme scheme, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheme);
        bool filtered = scheme.Descriptor.Reference is not null;
        return ReadState(source, filtered ? s_filteredMagic : s_magic, scheme.Descriptor, filtered ? 53 : 45, "hf-kgw", reader =>
        {
            byte flag = reader.ReadByte();
            if (flag > 1)
            {
                throw Inconsistent();
            }

            bool deduplicate = flag == 1;
            var accumulator = new HfKgwAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            GreenListCounts counts = GreenListCounts.ReadFrom(reader, hasGreen: true, withCommon: filtered);
            int pairs = ReadEntryCount(reader, deduplicate, counts.Scored, 9);
            var entries = new (ulong Seed, int Token, bool Green)[pairs];
            for (int i = 0; i < pairs; i++)
            {
                ulong seed = reader.ReadUInt32();
                int token = reader.ReadInt32();
                byte green = reader.ReadByte();

                // Only pairs that scoring produces: a token of the vocabulary with its green bit.
                if (green > 1 || token < 0 || token >= scheme.VocabularySize || scheme.GreenLists.IsGreen(seed, token) != (green == 1) || scheme.IsCommon(seed, token))
                {
                    throw Inconsistent();
                }

                entries[i] = (seed, token, green == 1);
            }

            accumulator.MergeCounts(counts, deduplicate ? entries : null);
            if (accumulator.Counts.Scored != counts.Scored || accumulator.Counts.Green != counts.Green)
            {
                throw Inconsistent();
            }

            return accumulator;
        });
    }

    /// <inheritdoc />
    private protected override void AppendCore(ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty)
        {
            return;
        }

        // The first tokens see the previous call's tail as context; the rest find it in the span.
        int head = Math.Min(tokens.Length, MaxTail);
        Span<int> joined = stackalloc int[MaxTail * 2];
        _tail.AsSpan(0, _tailLength).CopyTo(joined);
        tokens[..head].CopyTo(joined[_tailLength..]);
        _scheme.Score(joined[..(_tailLength + head)], _tailLength, _position - _tailLength, _seen, ref Counts, default);
        if (tokens.Length > head)
        {
            _scheme.Score(tokens, head, _position, _seen, ref Counts, default);
        }

        _position += tokens.Length;

        // Keep the newest tokens (at most MaxTail) for the next call.
        if (tokens.Length >= MaxTail)
        {
            tokens[^MaxTail..].CopyTo(_tail);
            _tailLength = MaxTail;
        }
        else
        {
            int keep = Math.Min(_tailLength, MaxTail - tokens.Length);
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
            tokens.CopyTo(_tail.AsSpan(keep));
            _tailLength = keep + tokens.Length;
        }
    }

    /// <inheritdoc />
    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (HfKgwAccumulator)other;
        MergeCounts(typed.Counts, typed._seen?.ToSortedArray());
    }

    /// <inheritdoc />
    protected override void ClearScoringState()
    {
        EndDocument();
        _seen?.Clear();
    }

    /// <summary>
    /// Writes the payload: the flag, the five counts (six under a reference filter, magic <c>DSTLHFK2</c>),
    /// then the scored (seed, token, green) triples in (seed, token) order.
    /// </summary>
    /// <param name="writer">The writer of the state.</param>
    protected override void WritePayload(BinaryWriter writer) =>
        GreenListAccumulator.WritePayload(writer, Deduplicate, Counts, Descriptor.Reference is not null, _seen, narrowSeeds: true);

    private void MergeCounts(in GreenListCounts other, (ulong Seed, int Token, bool Green)[]? pairs) =>
        SeedTokenSet.MergeCounts(_seen, ref Counts, other, pairs);
}
