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
/// <see cref="WatermarkAccumulator.WriteTo"/> stores the counts, the sum and the pairs, stamped with the descriptor hash
/// and checksummed; <see cref="ReadFrom"/> refuses state written under another descriptor and, with
/// deduplication, recomputes the sum from the pairs under the scheme's key. The open document's
/// context is not stored: appending after a read starts a new document. Not thread-safe.
/// </para>
/// </remarks>
internal sealed class VllmGumbelAccumulator : ContextAccumulator<VllmTally>
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLVLM1");
    private readonly VllmGumbelScheme _scheme;
    private readonly Dictionary<(UInt128 State, int Token), UInt128>? _pairs;
    private readonly HashSet<UInt128>? _documentContexts;
    private readonly VllmContextWindow _window;

    internal VllmGumbelAccumulator(VllmGumbelScheme scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        _pairs = options.Deduplicate ? [] : null;
        _documentContexts = options.Deduplicate ? [] : null;
        _window = new VllmContextWindow(scheme.Options.ContextWidth);
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
    public void Merge(VllmGumbelAccumulator other) => Merge((WatermarkAccumulator)other);

    /// <inheritdoc />
    public override DetectionResult GetResult() => _scheme.Result(Counts, Deduplicate, MinimumScoredTokens);

    /// <summary>Reads an accumulator written by <see cref="WatermarkAccumulator.WriteTo"/> for <paramref name="scheme"/>.</summary>
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
        return ReadState(source, s_magic, scheme.Descriptor, 61, "vLLM Gumbel-max", reader =>
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new VllmGumbelAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            var tally = new VllmTally { Counts = GreenListCounts.ReadFrom(reader, hasGreen: false) };
            tally.Sum = ReadUInt128(reader);
            if (tally.Sum > (UInt128)Gumbel.GumbelScheme.ToFixed(17.0) * (ulong)tally.Counts.Scored)
            {
                // No term exceeds -ln(1 - (2^24 - 1) / (2^24 + 1)) < 17.
                throw Inconsistent();
            }

            int count = ReadEntryCount(reader, deduplicate, tally.Counts.Scored, 36);
            var pairs = new (UInt128 StateA, UInt128 StateB, int Token)[count];
            for (int i = 0; i < count; i++)
            {
                pairs[i] = (ReadUInt128(reader), ReadUInt128(reader), reader.ReadInt32());
                if (pairs[i].Token < 0 || pairs[i].Token >= scheme.VocabularySize)
                {
                    throw Inconsistent();
                }
            }

            accumulator.MergeTally(tally, deduplicate ? pairs : null);
            if (accumulator.Counts.Counts.Scored != tally.Counts.Scored || accumulator.Counts.Sum != tally.Sum)
            {
                // Duplicate pairs, or a sum that the pairs do not give under this key.
                throw Inconsistent();
            }

            return accumulator;
        });
    }

    /// <inheritdoc />
    private protected override void AppendCore(ReadOnlySpan<int> tokens) =>
        _scheme.Score(tokens, _window, _documentContexts, _pairs, ref Counts, default, default);

    /// <inheritdoc />
    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (VllmGumbelAccumulator)other;
        MergeTally(typed.Counts, typed._pairs is null ? null : [.. typed._pairs.Select(p => (p.Key.State, p.Value, p.Key.Token))]);
    }

    /// <inheritdoc />
    protected override void ClearScoringState()
    {
        EndDocument();
        _pairs?.Clear();
    }

    /// <summary>
    /// Writes the payload (magic <c>DSTLVLM1</c>): the deduplication flag, the five counts, the
    /// fixed-point sum (two 64-bit words, low first), then the scored pairs (key A's context state, key
    /// B's, each as two words low first, then the token) in that order.
    /// </summary>
    /// <param name="writer">The writer of the state.</param>
    protected override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Deduplicate);
        Counts.Counts.WriteTo(writer);
        writer.Write(unchecked((ulong)Counts.Sum));
        writer.Write((ulong)(Counts.Sum >> 64));
        var pairs = (_pairs ?? []).OrderBy(p => p.Key.State).ThenBy(p => p.Key.Token).ToArray();
        writer.Write(pairs.Length);
        foreach (var pair in pairs)
        {
            WriteUInt128(writer, pair.Key.State);
            WriteUInt128(writer, pair.Value);
            writer.Write(pair.Key.Token);
        }
    }

    private void MergeTally(in VllmTally other, (UInt128 StateA, UInt128 StateB, int Token)[]? pairs)
    {
        Counts.Counts.Tokens += other.Counts.Tokens;
        Counts.Counts.SkippedPrefix += other.Counts.SkippedPrefix;
        Counts.ReferenceSum += other.ReferenceSum;
        if (_pairs is null)
        {
            Counts.Counts.Scored += other.Counts.Scored;
            Counts.Counts.SkippedRepeated += other.Counts.SkippedRepeated;
            Counts.Sum += other.Sum;
            return;
        }

        // Every scorable token of either side is now either in the union of the pair sets or a
        // repeat; the sum is that of the union, recomputed for the pairs this side lacked.
        long scorable = Counts.Counts.Scored + Counts.Counts.SkippedRepeated + other.Counts.Scored + other.Counts.SkippedRepeated;
        foreach (var (stateA, stateB, token) in pairs ?? [])
        {
            if (_pairs.TryAdd((stateA, token), stateB))
            {
                Counts.Sum += _scheme.ConservativeTerm(stateA, stateB, token);
            }
        }

        Counts.Counts.Scored = _pairs.Count;
        Counts.Counts.SkippedRepeated = scorable - _pairs.Count;
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
