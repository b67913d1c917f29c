using System;
using System.IO;
using System.Numerics;
using System.Text;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.SynthId;

/// <summary>
/// Scoring state of a <see cref="SynthIdScheme"/> that grows document by document and merges with
/// others: the counts of skipped and scored tokens, the ones of each layer, and (with deduplication)
/// the set of scored (context seed, token) pairs.
/// </summary>
/// <remarks>
/// The repeated-context mask works inside one document (it restarts at <see cref="EndDocument"/>),
/// as in a session; deduplication spans every document. A merge takes the union of the pair sets and
/// recomputes the ones of the pairs new to this side, so it equals scoring everything in one accumulator.
/// </remarks>
internal sealed class SynthIdAccumulator : WatermarkAccumulator
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLSID1");
    private readonly SynthIdScheme _scheme;
    private readonly SeedTokenSet? _seen;
    private readonly int _minimumScoredTokens;
    private SynthIdCounts _counts;
    private SynthIdStream _stream;

    internal SynthIdAccumulator(SynthIdScheme scheme, DetectionOptions options)
    {
        _scheme = scheme;
        Deduplicate = options.Deduplicate;
        _minimumScoredTokens = options.MinimumScoredTokens;
        _seen = options.Deduplicate ? new SeedTokenSet() : null;
        _stream.Recent = scheme.Options.ContextHistory > 0 ? new ContextPositionMap(256, pooled: false) : null;
    }

    public override SchemeDescriptor Descriptor => _scheme.Descriptor;

    public override bool Deduplicate { get; }

    public override long TokenCount => _counts.Tokens;

    public override long ScoredTokens => _counts.Scored;

    /// <summary>Gets the number of g-values equal to 1 so far.</summary>
    internal long Ones => _counts.Ones;

    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        _scheme.Score(tokens, ref _stream, _seen, ref _counts, default, default);
    }

    public override void Append(int token)
    {
        LogitsGuard.ValidateToken(token, _scheme.VocabularySize, nameof(token));
        _scheme.Score([token], ref _stream, _seen, ref _counts, default, default);
    }

    public override void EndDocument() => _stream.Reset();

    public override void Merge(WatermarkAccumulator other)
    {
        SynthIdAccumulator typed = CheckMergeable<SynthIdAccumulator>(other);
        Span<long> layers = stackalloc long[_scheme.Depth];
        typed._counts.Layers.CopyTo(layers);
        MergeCounts(typed._counts, layers, typed._seen?.ToSortedArray());
    }

    public override DetectionResult GetResult() => _scheme.MeanResult(_counts, Deduplicate, _minimumScoredTokens);

    internal DetectionResult GetWeightedResult() => _scheme.WeightedResult(_counts, Deduplicate, _minimumScoredTokens);

    public override void Reset()
    {
        _counts = default;
        _stream.Reset();
        _seen?.Clear();
    }

    /// <summary>
    /// Writes magic <c>DSTLSID1</c>, the descriptor hash, the deduplication flag, the six counts, the
    /// depth and the ones of each layer, the scored pairs in (seed, token) order, and an XxHash64 checksum.
    /// </summary>
    public override void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteState(destination, s_magic, Descriptor, writer =>
        {
            writer.Write(Deduplicate);
            writer.Write(_counts.Tokens);
            writer.Write(_counts.SkippedPrefix);
            writer.Write(_counts.SkippedMasked);
            writer.Write(_counts.SkippedDuplicate);
            writer.Write(_counts.Scored);
            writer.Write(_counts.Ones);
            Span<long> layers = stackalloc long[_scheme.Depth];
            _counts.Layers.CopyTo(layers);
            writer.Write(layers.Length);
            foreach (long count in layers)
            {
                writer.Write(count);
            }

            var pairs = _seen?.ToSortedArray() ?? [];
            writer.Write(pairs.Length);
            foreach (var (seed, token, _) in pairs)
            {
                writer.Write(seed);
                writer.Write(token);
            }
        });
    }

    internal static SynthIdAccumulator ReadFrom(Stream source, SynthIdScheme scheme, DetectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] data = ReadState(source, s_magic, scheme.Descriptor, 57, "SynthID");
        using BinaryReader reader = PayloadReader(data, s_magic);
        try
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new SynthIdAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            var counts = new SynthIdCounts
            {
                Tokens = reader.ReadInt64(),
                SkippedPrefix = reader.ReadInt64(),
                SkippedMasked = reader.ReadInt64(),
                SkippedDuplicate = reader.ReadInt64(),
                Scored = reader.ReadInt64(),
                Ones = reader.ReadInt64(),
            };
            int depth = reader.ReadInt32();
            if (depth != scheme.Depth)
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            var layers = new long[depth];
            long ones = 0;
            for (int l = 0; l < depth; l++)
            {
                layers[l] = reader.ReadInt64();
                if (layers[l] < 0 || layers[l] > counts.Scored)
                {
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }

                ones += layers[l];
            }

            // Every token is a prefix, a masked context, a repeat or scored; the ones are the layers' sum.
            if (counts.Tokens < 0 || counts.SkippedPrefix < 0 || counts.SkippedMasked < 0 || counts.SkippedDuplicate < 0 || counts.Scored < 0
                || counts.SkippedPrefix > counts.Tokens || counts.SkippedMasked > counts.Tokens || counts.SkippedDuplicate > counts.Tokens || counts.Scored > counts.Tokens
                || counts.Tokens - counts.SkippedPrefix - counts.SkippedMasked - counts.SkippedDuplicate != counts.Scored
                || ones != counts.Ones || (!deduplicate && counts.SkippedDuplicate != 0))
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
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

            if (deduplicate)
            {
                // The ones are recomputed from the pairs, so they must be the ones stored.
                accumulator.MergeCounts(counts, layers, entries);
                Span<long> recomputed = stackalloc long[depth];
                accumulator._counts.Layers.CopyTo(recomputed);
                if (accumulator._counts.Scored != counts.Scored || !recomputed.SequenceEqual(layers))
                {
                    throw new InvalidDataException("The accumulator data is inconsistent.");
                }
            }
            else
            {
                accumulator.MergeCounts(counts, layers, null);
            }

            return accumulator;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The accumulator data is truncated.");
        }
    }

    private void MergeCounts(in SynthIdCounts other, ReadOnlySpan<long> otherLayers, (ulong Seed, int Token, bool Green)[]? pairs)
    {
        _counts.Tokens += other.Tokens;
        _counts.SkippedPrefix += other.SkippedPrefix;
        _counts.SkippedMasked += other.SkippedMasked;
        if (_seen is null)
        {
            _counts.Scored += other.Scored;
            _counts.Ones += other.Ones;
            _counts.SkippedDuplicate += other.SkippedDuplicate;
            _counts.Layers.Add(otherLayers);
            return;
        }

        // Every unmasked token of either side is now either in the union of the sets or a repeat.
        long scorable = _counts.Scored + _counts.SkippedDuplicate + other.Scored + other.SkippedDuplicate;
        ref readonly SynthIdPrf prf = ref _scheme.Prf;
        foreach (var (seed, token, _) in pairs ?? [])
        {
            if (_seen.TryAdd(seed, token, false))
            {
                ulong word = prf.GWord(seed, prf.TokenHash(token)) & _scheme.DepthMask;
                _counts.Scored++;
                _counts.Ones += BitOperations.PopCount(word);
                _counts.Layers.Add(word);
            }
        }

        _counts.SkippedDuplicate = scorable - _counts.Scored;
    }
}
