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
/// <see cref="WriteTo"/> stores the counts and the set, stamped with the descriptor hash and
/// checksummed; <see cref="WatermarkScheme.ReadAccumulator"/> refuses state written under another descriptor. The open
/// document's context is not stored: appending after a read starts a new document.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
internal sealed class GreenListAccumulator : WatermarkAccumulator
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLACC1");

    // States of schemes with a reference filter also store the common count.
    private static readonly byte[] s_filteredMagic = Encoding.ASCII.GetBytes("DSTLACC2");
    private readonly IGreenListScoring _scheme;
    private readonly SeedTokenSet? _seen;
    private readonly int _minimumScoredTokens;
    private GreenListCounts _counts;
    private HashWindow _window;

    internal GreenListAccumulator(IGreenListScoring scheme, DetectionOptions options)
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

    /// <summary>Appends tokens to the open document.</summary>
    /// <param name="tokens">The next token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is appended.</exception>
    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        _scheme.Score(tokens, ref _window, _seen, ref _counts, default);
    }

    /// <summary>Appends one token to the open document.</summary>
    /// <param name="token">The next token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The token id is outside the vocabulary; nothing is appended.</exception>
    public override void Append(int token)
    {
        LogitsGuard.ValidateToken(token, _scheme.VocabularySize, nameof(token));
        _scheme.Score([token], ref _window, _seen, ref _counts, default);
    }

    /// <summary>Ends the open document: the next token starts a new context.</summary>
    public override void EndDocument() => _window.Reset();

    /// <summary>Adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">An accumulator for the same descriptor and deduplication setting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or was made with another deduplication setting.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    public void Merge(GreenListAccumulator other) => Merge((WatermarkAccumulator)other);

    /// <inheritdoc />
    public override void Merge(WatermarkAccumulator other)
    {
        GreenListAccumulator typed = CheckMergeable<GreenListAccumulator>(other);
        MergeCounts(typed._counts, typed._seen?.ToSortedArray());
    }

    /// <summary>Returns the detection result for everything scored so far; the accumulator can keep growing.</summary>
    /// <returns>The counts and the exact p-value.</returns>
    public override DetectionResult GetResult() =>
        new(_scheme.Descriptor, _counts, _scheme.EffectiveGamma, Deduplicate, _minimumScoredTokens);

    /// <summary>Empties the accumulator.</summary>
    public override void Reset()
    {
        _counts = default;
        _window.Reset();
        _seen?.Clear();
    }

    /// <summary>
    /// Writes the accumulator's state: magic <c>DSTLACC1</c> (<c>DSTLACC2</c> under a reference filter), the
    /// descriptor hash, the flags, the five counts (six under a filter: the common count follows the repeated one), the scored pairs in (seed, token) order, and an XxHash64 checksum of all that.
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
                writer.Write(seed);
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
        ArgumentNullException.ThrowIfNull(source);
        bool filtered = scheme.Descriptor.Reference is not null;
        byte[] magic = filtered ? s_filteredMagic : s_magic;
        byte[] data = ReadState(source, magic, scheme.Descriptor, filtered ? 53 : 45, "green-list");
        using BinaryReader reader = PayloadReader(data, magic);
        try
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new GreenListAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            GreenListCounts counts = GreenListCounts.ReadFrom(reader, hasGreen: true, withCommon: filtered);

            int pairs = reader.ReadInt32();
            if (pairs < 0 || (deduplicate ? pairs != counts.Scored : pairs != 0) || (long)pairs * 13 != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            var entries = new (ulong Seed, int Token, bool Green)[pairs];
            for (int i = 0; i < pairs; i++)
            {
                entries[i] = (reader.ReadUInt64(), reader.ReadInt32(), reader.ReadBoolean());

                // Only pairs that scoring can produce: a token of the vocabulary, with the greenness
                // its (seed, token) pair has.
                var (seed, token, green) = entries[i];
                if (token < 0 || token >= scheme.VocabularySize || !scheme.IsConsistent(seed, token, green))
                {
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }
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
