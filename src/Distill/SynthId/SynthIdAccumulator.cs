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
internal sealed class SynthIdAccumulator : ContextAccumulator<SynthIdCounts>
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLSID1");
    private readonly SynthIdScheme _scheme;
    private readonly SeedTokenSet? _seen;
    private SynthIdStream _stream;

    internal SynthIdAccumulator(SynthIdScheme scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        _seen = options.Deduplicate ? new SeedTokenSet() : null;
        _stream.Recent = scheme.Options.ContextHistory > 0 ? new ContextPositionMap(256, pooled: false) : null;
    }

    /// <summary>Gets the number of g-values equal to 1 so far.</summary>
    internal long Ones => Counts.Ones;

    protected override byte[] StateMagic => s_magic;

    public override void EndDocument() => _stream.Reset();

    public override DetectionResult GetResult() => _scheme.MeanResult(Counts, Deduplicate, MinimumScoredTokens);

    internal DetectionResult GetWeightedResult() => _scheme.WeightedResult(Counts, Deduplicate, MinimumScoredTokens);

    internal static SynthIdAccumulator ReadFrom(Stream source, SynthIdScheme scheme, DetectionOptions? options) =>
        ReadState(source, s_magic, scheme.Descriptor, 57, "SynthID", reader =>
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
                throw Inconsistent();
            }

            var layers = new long[depth];
            long ones = 0;
            for (int l = 0; l < depth; l++)
            {
                layers[l] = reader.ReadInt64();
                if (layers[l] < 0 || layers[l] > counts.Scored)
                {
                    throw Inconsistent();
                }

                ones += layers[l];
            }

            // Every token is a prefix, a masked context, a repeat or scored; the ones are the layers' sum.
            if (counts.Tokens < 0 || counts.SkippedPrefix < 0 || counts.SkippedMasked < 0 || counts.SkippedDuplicate < 0 || counts.Scored < 0
                || counts.SkippedPrefix > counts.Tokens || counts.SkippedMasked > counts.Tokens || counts.SkippedDuplicate > counts.Tokens || counts.Scored > counts.Tokens
                || counts.Tokens - counts.SkippedPrefix - counts.SkippedMasked - counts.SkippedDuplicate != counts.Scored
                || ones != counts.Ones || (!deduplicate && counts.SkippedDuplicate != 0))
            {
                throw Inconsistent();
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

            if (deduplicate)
            {
                // The ones are recomputed from the pairs, so they must be the ones stored.
                accumulator.MergeCounts(counts, layers, entries);
                Span<long> recomputed = stackalloc long[depth];
                accumulator.Counts.Layers.CopyTo(recomputed);
                if (accumulator.Counts.Scored != counts.Scored || !recomputed.SequenceEqual(layers))
                {
                    throw Inconsistent();
                }
            }
            else
            {
                accumulator.MergeCounts(counts, layers, null);
            }

            return accumulator;
        });

    private protected override void AppendCore(ReadOnlySpan<int> tokens) => _scheme.Score(tokens, ref _stream, _seen, ref Counts, default, default);

    private protected override void AppendCore(int token) => _scheme.Score([token], ref _stream, _seen, ref Counts, default, default);

    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (SynthIdAccumulator)other;
        Span<long> layers = stackalloc long[_scheme.Depth];
        typed.Counts.Layers.CopyTo(layers);
        MergeCounts(typed.Counts, layers, typed._seen?.ToSortedArray());
    }

    protected override void ClearScoringState()
    {
        _stream.Reset();
        _seen?.Clear();
    }

    /// <summary>
    /// Writes the payload of magic <c>DSTLSID1</c>: the deduplication flag, the six counts, the depth and
    /// the ones of each layer, then the scored pairs in (seed, token) order.
    /// </summary>
    protected override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Deduplicate);
        writer.Write(Counts.Tokens);
        writer.Write(Counts.SkippedPrefix);
        writer.Write(Counts.SkippedMasked);
        writer.Write(Counts.SkippedDuplicate);
        writer.Write(Counts.Scored);
        writer.Write(Counts.Ones);
        Span<long> layers = stackalloc long[_scheme.Depth];
        Counts.Layers.CopyTo(layers);
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
    }

    private void MergeCounts(in SynthIdCounts other, ReadOnlySpan<long> otherLayers, (ulong Seed, int Token, bool Green)[]? pairs)
    {
        Counts.Tokens += other.Tokens;
        Counts.SkippedPrefix += other.SkippedPrefix;
        Counts.SkippedMasked += other.SkippedMasked;
        if (_seen is null)
        {
            Counts.Scored += other.Scored;
            Counts.Ones += other.Ones;
            Counts.SkippedDuplicate += other.SkippedDuplicate;
            Counts.Layers.Add(otherLayers);
            return;
        }

        // Every unmasked token of either side is now either in the union of the sets or a repeat.
        long scorable = Counts.Scored + Counts.SkippedDuplicate + other.Scored + other.SkippedDuplicate;
        ref readonly SynthIdPrf prf = ref _scheme.Prf;
        foreach (var (seed, token, _) in pairs ?? [])
        {
            if (_seen.TryAdd(seed, token, false))
            {
                ulong word = prf.GWord(seed, prf.TokenHash(token)) & _scheme.DepthMask;
                Counts.Scored++;
                Counts.Ones += BitOperations.PopCount(word);
                Counts.Layers.Add(word);
            }
        }

        Counts.SkippedDuplicate = scorable - Counts.Scored;
    }
}
