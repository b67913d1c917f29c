using System;
using System.IO;
using System.Text;
using Distill.Detection;

namespace Distill.GreenList;

/// <summary>
/// Scoring state for a green-list key (KGW, Unigram) that grows token by token (streaming detection) and merges with
/// other accumulators (scoring a corpus on many cores or machines), with the p-value computed only at
/// the end.
/// </summary>
/// <remarks>
/// <para>
/// Tokens appended in several calls continue one document until <see cref="EndDocument"/>. Merging is
/// associative and commutative and gives exactly what one accumulator would have given for all the
/// documents: with deduplication, the accumulator holds the set of scored (seed, token) pairs and
/// merging takes their union. Merging ends the open document of neither side.
/// </para>
/// <para>
/// <see cref="WatermarkAccumulator.WriteTo"/> stores the counts and the set, stamped with the descriptor hash and
/// checksummed; <see cref="WatermarkScheme.ReadAccumulator"/> refuses state written under another descriptor. The open
/// document's context is not stored: appending after a read starts a new document.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
internal sealed class GreenListAccumulator : ContextAccumulator<GreenListCounts>
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLACC1");

    // States of schemes with a reference filter also store the common count.
    private static readonly byte[] s_filteredMagic = Encoding.ASCII.GetBytes("DSTLACC2");
    private readonly IGreenListScoring _scheme;
    private readonly SeedTokenSet? _seen;
    private HashWindow _window;

    internal GreenListAccumulator(IGreenListScoring scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        _seen = options.Deduplicate ? new SeedTokenSet() : null;
    }

    /// <summary>Gets the number of green tokens so far.</summary>
    public long GreenTokens => Counts.Green;

    /// <inheritdoc />
    protected override byte[] StateMagic => Descriptor.Reference is not null ? s_filteredMagic : s_magic;

    /// <summary>Ends the open document: the next token starts a new context.</summary>
    public override void EndDocument() => _window.Reset();

    /// <summary>Adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">An accumulator for the same descriptor and deduplication setting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or was made with another deduplication setting.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    public void Merge(GreenListAccumulator other) => Merge((WatermarkAccumulator)other);

    /// <summary>Returns the detection result for everything scored so far; the accumulator can keep growing.</summary>
    /// <returns>The counts and the exact p-value.</returns>
    public override DetectionResult GetResult() =>
        new(Descriptor, Counts, _scheme.EffectiveGamma, Deduplicate, MinimumScoredTokens);

    /// <summary>Reads an accumulator written by <see cref="WatermarkAccumulator.WriteTo"/> for <paramref name="scheme"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="scheme">The scheme the state was written for.</param>
    /// <param name="options">Options for the result (the deduplication setting is read from the state).</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, or not an accumulator.</exception>
    /// <exception cref="DescriptorMismatchException">The state was written under another descriptor.</exception>
    public static GreenListAccumulator ReadFrom(Stream source, KgwScheme scheme, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        return ReadFrom(source, (IGreenListScoring)scheme, options);
    }

    /// <summary>Reads an accumulator written for any green-list scheme.</summary>
    internal static GreenListAccumulator ReadFrom(Stream source, IGreenListScoring scheme, DetectionOptions? options)
    {
        bool filtered = scheme.Descriptor.Reference is not null;
        return ReadState(source, filtered ? s_filteredMagic : s_magic, scheme.Descriptor, filtered ? 53 : 45, "green-list", reader =>
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new GreenListAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            GreenListCounts counts = GreenListCounts.ReadFrom(reader, hasGreen: true, withCommon: filtered);
            int pairs = ReadEntryCount(reader, deduplicate, counts.Scored, 13);
            var entries = new (ulong Seed, int Token, bool Green)[pairs];
            for (int i = 0; i < pairs; i++)
            {
                entries[i] = (reader.ReadUInt64(), reader.ReadInt32(), reader.ReadBoolean());

                // Only pairs that scoring can produce: a token of the vocabulary, with the greenness
                // its (seed, token) pair has.
                var (seed, token, green) = entries[i];
                if (token < 0 || token >= scheme.VocabularySize || !scheme.IsConsistent(seed, token, green))
                {
                    throw Inconsistent();
                }
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
    private protected override void AppendCore(ReadOnlySpan<int> tokens) => _scheme.Score(tokens, ref _window, _seen, ref Counts, default);

    /// <inheritdoc />
    private protected override void AppendCore(int token) => _scheme.Score([token], ref _window, _seen, ref Counts, default);

    /// <inheritdoc />
    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (GreenListAccumulator)other;
        MergeCounts(typed.Counts, typed._seen?.ToSortedArray());
    }

    /// <inheritdoc />
    protected override void ClearScoringState()
    {
        _window.Reset();
        _seen?.Clear();
    }

    /// <summary>
    /// Writes the payload: the flags, the five counts (six under a reference filter, magic <c>DSTLACC2</c>:
    /// the common count follows the repeated one), then the scored pairs in (seed, token) order.
    /// </summary>
    /// <param name="writer">The writer of the state.</param>
    protected override void WritePayload(BinaryWriter writer) =>
        WritePayload(writer, Deduplicate, Counts, Descriptor.Reference is not null, _seen, narrowSeeds: false);

    /// <summary>
    /// Writes the payload green-list accumulators share: the deduplication flag, the counts (the common
    /// count too when <paramref name="withCommon"/>), then the scored (seed, token, green) triples in
    /// (seed, token) order, each seed as 64 bits or, when <paramref name="narrowSeeds"/> (hf-kgw's
    /// 32-bit generator seeds), as 32.
    /// </summary>
    internal static void WritePayload(BinaryWriter writer, bool deduplicate, in GreenListCounts counts, bool withCommon, SeedTokenSet? seen, bool narrowSeeds)
    {
        writer.Write(deduplicate);
        counts.WriteTo(writer, withCommon);
        var pairs = seen?.ToSortedArray() ?? [];
        writer.Write(pairs.Length);
        foreach (var (seed, token, green) in pairs)
        {
            if (narrowSeeds)
            {
                writer.Write((uint)seed);
            }
            else
            {
                writer.Write(seed);
            }

            writer.Write(token);
            writer.Write(green);
        }
    }

    private void MergeCounts(in GreenListCounts other, (ulong Seed, int Token, bool Green)[]? pairs) =>
        SeedTokenSet.MergeCounts(_seen, ref Counts, other, pairs);
}
