using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Detection;

namespace Distill.Interop;

/// <summary>
/// Streaming, mergeable detection state of a <see cref="VllmGumbelScheme"/>: Distill's conservative
/// p-value for a whole corpus of vLLM responses.
/// </summary>
/// <remarks>
/// <para>
/// Each document is one response (its context starts at the padding). With deduplication a token is
/// scored only at the first occurrence of its context in its response (vLLM's rule) and only if its
/// (context, token) pair was not scored in any earlier document: the accumulator keeps the set of
/// scored pairs (by their absorbed context states) and merging takes their union, so merging is
/// exact, associative and commutative. The sum is kept in fixed point (each term rounded down to a
/// multiple of 2^-32).
/// </para>
/// <para>
/// <see cref="WriteTo"/> stores the counts, the sum and the pairs, stamped with the descriptor hash
/// and checksummed; <see cref="ReadFrom"/> refuses state written under another descriptor and, with
/// deduplication, recomputes the sum from the pairs under the scheme's key. The open document's
/// context is not stored: appending after a read starts a new document. Not thread-safe.
/// </para>
/// </remarks>
internal sealed class VllmGumbelAccumulator : WatermarkAccumulator
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLVLM1");
    private readonly VllmGumbelScheme _scheme;
    private readonly Dictionary<(UInt128 State, int Token), UInt128>? _pairs;
    private readonly HashSet<UInt128>? _documentContexts;
    private readonly VllmContextWindow _window;
    private readonly int _minimumScoredTokens;
    private VllmTally _tally;

    internal VllmGumbelAccumulator(VllmGumbelScheme scheme, DetectionOptions options)
    {
        _scheme = scheme;
        Deduplicate = options.Deduplicate;
        _minimumScoredTokens = options.MinimumScoredTokens;
        _pairs = options.Deduplicate ? [] : null;
        _documentContexts = options.Deduplicate ? [] : null;
        _window = new VllmContextWindow(scheme.Options.ContextWidth);
    }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor => _scheme.Descriptor;

    /// <inheritdoc />
    public override bool Deduplicate { get; }

    /// <inheritdoc />
    public override long TokenCount => _tally.Counts.Tokens;

    /// <inheritdoc />
    public override long ScoredTokens => _tally.Counts.Scored;

    /// <inheritdoc />
    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        _scheme.Score(tokens, _window, _documentContexts, _pairs, ref _tally, default, default);
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
    public void Merge(VllmGumbelAccumulator other) => Merge((WatermarkAccumulator)other);

    /// <inheritdoc />
    public override void Merge(WatermarkAccumulator other)
    {
        VllmGumbelAccumulator typed = CheckMergeable<VllmGumbelAccumulator>(other);
        MergeTally(typed._tally, typed._pairs is null ? null : [.. typed._pairs.Select(p => (p.Key.State, p.Value, p.Key.Token))]);
    }

    /// <inheritdoc />
    public override DetectionResult GetResult() => _scheme.Result(_tally, Deduplicate, _minimumScoredTokens);

    /// <inheritdoc />
    public override void Reset()
    {
        _tally = default;
        EndDocument();
        _pairs?.Clear();
    }

    /// <summary>
    /// Writes the accumulator's state: magic <c>DSTLVLM1</c>, the descriptor hash, the deduplication
    /// flag, the five counts, the fixed-point sum (two 64-bit words, low first), the scored pairs
    /// (key A's context state, key B's, each as two words low first, then the token) in that order,
    /// and an XxHash64 checksum of all that.
    /// </summary>
    /// <param name="destination">The stream to write to.</param>
    public override void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteState(destination, s_magic, Descriptor, writer =>
        {
            writer.Write(Deduplicate);
            _tally.Counts.WriteTo(writer);
            writer.Write(unchecked((ulong)_tally.Sum));
            writer.Write((ulong)(_tally.Sum >> 64));
            var pairs = (_pairs ?? []).OrderBy(p => p.Key.State).ThenBy(p => p.Key.Token).ToArray();
            writer.Write(pairs.Length);
            foreach (var pair in pairs)
            {
                WriteUInt128(writer, pair.Key.State);
                WriteUInt128(writer, pair.Value);
                writer.Write(pair.Key.Token);
            }
        });
    }

    /// <summary>Reads an accumulator written by <see cref="WriteTo"/> for <paramref name="scheme"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="scheme">The scheme the state was written for.</param>
    /// <param name="options">Options for the result (the deduplication setting is read from the state).</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, inconsistent, or not a vLLM accumulator.</exception>
    /// <exception cref="DescriptorMismatchException">The state was written under another descriptor.</exception>
    public static VllmGumbelAccumulator ReadFrom(Stream source, VllmGumbelScheme scheme, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheme);
        byte[] data = ReadState(source, s_magic, scheme.Descriptor, 61, "vLLM Gumbel-max");
        using BinaryReader reader = PayloadReader(data, s_magic);
        try
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new VllmGumbelAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            var tally = new VllmTally { Counts = GreenListCounts.ReadFrom(reader, hasGreen: false) };
            tally.Sum = ReadUInt128(reader);
            if (tally.Sum > (UInt128)Gumbel.GumbelScheme.ToFixed(17.0) * (ulong)tally.Counts.Scored)
            {
                // No term exceeds -ln(1 - (2^24 - 1) / (2^24 + 1)) < 17.
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            int count = reader.ReadInt32();
            if (count < 0 || (deduplicate ? count != tally.Counts.Scored : count != 0) || (long)count * 36 != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            var pairs = new (UInt128 StateA, UInt128 StateB, int Token)[count];
            for (int i = 0; i < count; i++)
            {
                pairs[i] = (ReadUInt128(reader), ReadUInt128(reader), reader.ReadInt32());
                if (pairs[i].Token < 0 || pairs[i].Token >= scheme.VocabularySize)
                {
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }
            }

            accumulator.MergeTally(tally, deduplicate ? pairs : null);
            if (accumulator._tally.Counts.Scored != tally.Counts.Scored || accumulator._tally.Sum != tally.Sum)
            {
                // Duplicate pairs, or a sum that the pairs do not give under this key.
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            return accumulator;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The accumulator data is truncated.");
        }
    }

    private void MergeTally(in VllmTally other, (UInt128 StateA, UInt128 StateB, int Token)[]? pairs)
    {
        _tally.Counts.Tokens += other.Counts.Tokens;
        _tally.Counts.SkippedPrefix += other.Counts.SkippedPrefix;
        _tally.ReferenceSum += other.ReferenceSum;
        if (_pairs is null)
        {
            _tally.Counts.Scored += other.Counts.Scored;
            _tally.Counts.SkippedRepeated += other.Counts.SkippedRepeated;
            _tally.Sum += other.Sum;
            return;
        }

        // Every scorable token of either side is now either in the union of the pair sets or a
        // repeat; the sum is that of the union, recomputed for the pairs this side lacked.
        long scorable = _tally.Counts.Scored + _tally.Counts.SkippedRepeated + other.Counts.Scored + other.Counts.SkippedRepeated;
        foreach (var (stateA, stateB, token) in pairs ?? [])
        {
            if (_pairs.TryAdd((stateA, token), stateB))
            {
                _tally.Sum += _scheme.ConservativeTerm(stateA, stateB, token);
            }
        }

        _tally.Counts.Scored = _pairs.Count;
        _tally.Counts.SkippedRepeated = scorable - _pairs.Count;
    }

    private static void WriteUInt128(BinaryWriter writer, UInt128 value)
    {
        writer.Write(unchecked((ulong)value));
        writer.Write((ulong)(value >> 64));
    }

    private static UInt128 ReadUInt128(BinaryReader reader)
    {
        ulong lo = reader.ReadUInt64();
        ulong hi = reader.ReadUInt64();
        return new UInt128(hi, lo);
    }
}
