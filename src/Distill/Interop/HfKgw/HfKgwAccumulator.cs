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
/// <see cref="WriteTo"/> stores magic <c>DSTLHFK1</c> (<c>DSTLHFK2</c> under a reference filter, with the common count after the repeated one), the descriptor hash, the flag, the five counts
/// and the pairs in (seed, token) order, checksummed; <see cref="ReadFrom"/> refuses truncated, corrupt
/// or inconsistent state (a pair whose greenness is not the reference's, counts that no scoring gives).
/// The open document's context is not stored: appending after a read starts a new document.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
internal sealed class HfKgwAccumulator : WatermarkAccumulator
{
    private const int MaxTail = HfKgwOptions.MaxContextWidth;
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLHFK1");

    // States of schemes with a reference filter also store the common count.
    private static readonly byte[] s_filteredMagic = Encoding.ASCII.GetBytes("DSTLHFK2");
    private readonly HfKgwScheme _scheme;
    private readonly SeedTokenSet? _seen;
    private readonly int _minimumScoredTokens;
    private readonly int[] _tail = new int[MaxTail];
    private int _tailLength;
    private long _position;
    private GreenListCounts _counts;

    internal HfKgwAccumulator(HfKgwScheme scheme, DetectionOptions options)
    {
        _scheme = scheme;
        Deduplicate = options.Deduplicate;
        _minimumScoredTokens = options.MinimumScoredTokens;
        _seen = options.Deduplicate ? new SeedTokenSet() : null;
    }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor => _scheme.Descriptor;

    /// <inheritdoc />
    public override bool Deduplicate { get; }

    /// <inheritdoc />
    public override long TokenCount => _counts.Tokens;

    /// <inheritdoc />
    public override long ScoredTokens => _counts.Scored;

    /// <summary>Gets the number of green tokens so far.</summary>
    public long GreenTokens => _counts.Green;

    /// <inheritdoc />
    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        if (tokens.IsEmpty)
        {
            return;
        }

        // The first tokens see the previous call's tail as context; the rest find it in the span.
        int head = Math.Min(tokens.Length, MaxTail);
        Span<int> joined = stackalloc int[MaxTail * 2];
        _tail.AsSpan(0, _tailLength).CopyTo(joined);
        tokens[..head].CopyTo(joined[_tailLength..]);
        _scheme.Score(joined[..(_tailLength + head)], _tailLength, _position - _tailLength, _seen, ref _counts, default);
        if (tokens.Length > head)
        {
            _scheme.Score(tokens, head, _position, _seen, ref _counts, default);
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
    public override void Append(int token) => Append([token]);

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
    public override void Merge(WatermarkAccumulator other)
    {
        HfKgwAccumulator typed = CheckMergeable<HfKgwAccumulator>(other);
        MergeCounts(typed._counts, typed._seen?.ToSortedArray());
    }

    /// <inheritdoc />
    public override DetectionResult GetResult() =>
        new(_scheme.Descriptor, _counts, _scheme.EffectiveGamma, Deduplicate, _minimumScoredTokens);

    /// <inheritdoc />
    public override void Reset()
    {
        _counts = default;
        EndDocument();
        _seen?.Clear();
    }

    /// <summary>
    /// Writes the state: magic <c>DSTLHFK1</c> (<c>DSTLHFK2</c> under a reference filter), the descriptor hash, the flag, the five counts, the
    /// scored (seed, token, green) triples in (seed, token) order, and an XxHash64 checksum of all that.
    /// </summary>
    /// <param name="destination">The stream to write to.</param>
    public override void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        bool filtered = Descriptor.Reference is not null;
        WriteState(destination, filtered ? s_filteredMagic : s_magic, Descriptor, writer =>
        {
            writer.Write(Deduplicate);
            _counts.WriteTo(writer, withCommon: filtered);
            var pairs = _seen?.ToSortedArray() ?? [];
            writer.Write(pairs.Length);
            foreach (var (seed, token, green) in pairs)
            {
                writer.Write((uint)seed);
                writer.Write(token);
                writer.Write(green);
            }
        });
    }

    /// <summary>Reads an accumulator written by <see cref="WriteTo"/> for <paramref name="scheme"/>.</summary>
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
        byte[] magic = filtered ? s_filteredMagic : s_magic;
        byte[] data = ReadState(source, magic, scheme.Descriptor, filtered ? 53 : 45, "hf-kgw");
        using BinaryReader reader = PayloadReader(data, magic);
        try
        {
            byte flag = reader.ReadByte();
            if (flag > 1)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            bool deduplicate = flag == 1;
            var accumulator = new HfKgwAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            GreenListCounts counts = GreenListCounts.ReadFrom(reader, hasGreen: true, withCommon: filtered);
            int pairs = reader.ReadInt32();
            if (pairs < 0 || (deduplicate ? pairs != counts.Scored : pairs != 0) || (long)pairs * 9 != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            var entries = new (ulong Seed, int Token, bool Green)[pairs];
            for (int i = 0; i < pairs; i++)
            {
                ulong seed = reader.ReadUInt32();
                int token = reader.ReadInt32();
                byte green = reader.ReadByte();

                // Only pairs that scoring produces: a token of the vocabulary with its green bit.
                if (green > 1 || token < 0 || token >= scheme.VocabularySize || scheme.GreenLists.IsGreen(seed, token) != (green == 1) || scheme.IsCommon(seed, token))
                {
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }

                entries[i] = (seed, token, green == 1);
            }

            accumulator.MergeCounts(counts, deduplicate ? entries : null);
            if (accumulator._counts.Scored != counts.Scored || accumulator._counts.Green != counts.Green)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            return accumulator;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The accumulator data is truncated.");
        }
    }

    private void MergeCounts(in GreenListCounts other, (ulong Seed, int Token, bool Green)[]? pairs) =>
        SeedTokenSet.MergeCounts(_seen, ref _counts, other, pairs);
}
