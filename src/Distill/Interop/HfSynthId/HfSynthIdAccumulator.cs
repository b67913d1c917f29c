using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Detection;

namespace Distill.Interop;

/// <summary>
/// Scoring state of an <see cref="HfSynthIdScheme"/>: the counts of tokens, of the first n - 1 tokens
/// of each document, of masked n-grams (repeated context or at or after the first EOS) and of unmasked
/// ones; with deduplication the set of distinct hashes of the unmasked n-grams, without it the number
/// of unmasked n-grams per hash residue modulo the table size.
/// </summary>
/// <remarks>
/// The repetition and EOS masks restart with each document (the reference scores each text on its
/// own); the set of n-gram hashes spans every document. A merge unions the sets (adds the residue
/// counts), so it equals scoring everything in one accumulator, exactly. The p-values come from
/// <see cref="HfSynthIdKeyNull"/>: random layer keys, the sampling table fixed.
/// </remarks>
internal sealed class HfSynthIdAccumulator : ContextAccumulator<GreenListCounts>
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLHSI2");
    private static readonly byte[] s_oldMagic = Encoding.ASCII.GetBytes("DSTLHSI1");
    private readonly HfSynthIdScheme _scheme;
    private readonly HashSet<ulong>? _ngrams;
    private readonly Dictionary<int, long>? _residues;
    private readonly int[] _window;
    private HashSet<int>? _firstReads;
    private HfSynthIdHistory? _history;
    private int _filled;
    private bool _eosSeen;

    internal HfSynthIdAccumulator(HfSynthIdScheme scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        if (options.Deduplicate)
        {
            _ngrams = [];
        }
        else
        {
            _residues = [];
        }

        _window = new int[scheme.Options.NgramLength - 1];
    }

    protected override byte[] StateMagic => s_magic;

    public override void EndDocument()
    {
        _filled = 0;
        _eosSeen = false;
        _history?.Reset();
    }

    /// <summary>
    /// The mean test: S = sum over layers of the ones its key reads from the scored n-grams (each
    /// distinct hash once with deduplication), against its exact distribution over random keys.
    /// </summary>
    public override DetectionResult GetResult()
    {
        (HfSynthIdKeyNull? nul, long n) = NullDistribution();
        int depth = _scheme.Depth;
        long ones = 0;
        double log10P = 0.0, z = 0.0;
        if (nul is not null)
        {
            ReadOnlySpan<long> keys = _scheme.Keys;
            for (int d = 0; d < depth; d++)
            {
                ones += nul.Ones[(int)(keys[d] & _scheme.TableMask)];
            }

            double sd = Math.Sqrt(depth * nul.Variance);
            z = sd > 0 ? (ones - (depth * nul.Mean)) / sd : 0.0;
            log10P = Counts.Scored >= MinimumScoredTokens ? nul.LogUpperTail(depth, ones) / Math.Log(10.0) : 0.0;
        }

        GreenListCounts counts = Counts;
        counts.Green = ones;
        double cells = (double)n * depth;
        double score = cells > 0 ? ones / cells : 0.0;
        return new DetectionResult(Descriptor, counts, DetectionStatistic.MeanGValue, score, double.NaN, Deduplicate, MinimumScoredTokens, z, log10P);
    }

    /// <summary>The weighted test: S = sum over layers of its weight (in integer units) times its ones, by a Chernoff bound from the exact null.</summary>
    internal DetectionResult GetWeightedResult()
    {
        (HfSynthIdKeyNull? nul, long n) = NullDistribution();
        int depth = _scheme.Depth;
        ReadOnlySpan<long> units = _scheme.Units;
        long ones = 0, weighted = 0;
        double log10P = 0.0, z = 0.0;
        if (nul is not null)
        {
            ReadOnlySpan<long> keys = _scheme.Keys;
            double mean = 0, variance = 0;
            for (int d = 0; d < depth; d++)
            {
                long c = nul.Ones[(int)(keys[d] & _scheme.TableMask)];
                ones += c;
                weighted += units[d] * c;
                mean += units[d] * nul.Mean;
                variance += (double)units[d] * units[d] * nul.Variance;
            }

            z = variance > 0 ? (weighted - mean) / Math.Sqrt(variance) : 0.0;
            log10P = Counts.Scored >= MinimumScoredTokens ? nul.LogWeightedUpperTail(units, weighted) / Math.Log(10.0) : 0.0;
        }

        GreenListCounts counts = Counts;
        counts.Green = ones;
        double cells = (double)n * depth;
        double score = cells > 0 ? weighted * _scheme.UnitScale / cells : 0.0;
        return new DetectionResult(Descriptor, counts, DetectionStatistic.WeightedMeanGValue, score, double.NaN, Deduplicate, MinimumScoredTokens, z, log10P);
    }

    private protected override void AppendCore(ReadOnlySpan<int> tokens) => AppendValidated(tokens, default, default);

    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var typed = (HfSynthIdAccumulator)other;
        Counts.Tokens += typed.Counts.Tokens;
        Counts.SkippedPrefix += typed.Counts.SkippedPrefix;
        Counts.SkippedRepeated += typed.Counts.SkippedRepeated;
        Counts.Scored += typed.Counts.Scored;
        _ngrams?.UnionWith(typed._ngrams!);
        if (_residues is not null)
        {
            foreach (var (residue, count) in typed._residues!)
            {
                AddResidue(residue, count);
            }
        }
    }

    protected override void ClearScoringState()
    {
        _ngrams?.Clear();
        _residues?.Clear();
        _firstReads?.Clear();
        EndDocument();
    }

    /// <summary>
    /// Writes the payload of magic <c>DSTLHSI2</c>: the deduplication flag, the four counts (tokens,
    /// prefix, masked, scored), the depth, then with deduplication the number of distinct n-gram hashes
    /// and each hash in increasing order (unsigned), without it the number of residues and each
    /// (residue, n-grams) in residue order.
    /// </summary>
    protected override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Deduplicate);
        writer.Write(Counts.Tokens);
        writer.Write(Counts.SkippedPrefix);
        writer.Write(Counts.SkippedRepeated);
        writer.Write(Counts.Scored);
        writer.Write(_scheme.Depth);
        if (_ngrams is not null)
        {
            ulong[] sorted = [.. _ngrams];
            Array.Sort(sorted);
            writer.Write(sorted.Length);
            foreach (ulong hash in sorted)
            {
                writer.Write(hash);
            }
        }
        else
        {
            writer.Write(_residues!.Count);
            foreach (var (residue, count) in _residues.OrderBy(e => e.Key))
            {
                writer.Write(residue);
                writer.Write(count);
            }
        }
    }

    internal static HfSynthIdAccumulator ReadFrom(Stream source, HfSynthIdScheme scheme, DetectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var copy = new MemoryStream();
        source.CopyTo(copy);
        if (copy.Length >= s_oldMagic.Length && copy.GetBuffer().AsSpan(0, s_oldMagic.Length).SequenceEqual(s_oldMagic))
        {
            throw new InvalidDataException(
                "This hf-synthid accumulator was written by an earlier release (format DSTLHSI1: distinct table indices under the random-table model). "
                + "It does not keep the scored n-grams that this release's test over random keys needs: score the text again.");
        }

        copy.Position = 0;
        return ReadState(copy, s_magic, scheme.Descriptor, 37, "hf-synthid", reader =>
        {
            bool deduplicate = reader.ReadBoolean();
            var accumulator = new HfSynthIdAccumulator(scheme, (options ?? DetectionOptions.Default) with { Deduplicate = deduplicate });
            var counts = new GreenListCounts
            {
                Tokens = reader.ReadInt64(),
                SkippedPrefix = reader.ReadInt64(),
                SkippedRepeated = reader.ReadInt64(),
                Scored = reader.ReadInt64(),
            };
            int depth = reader.ReadInt32();
            if (depth != scheme.Depth || counts.Tokens < 0 || counts.SkippedPrefix < 0 || counts.SkippedRepeated < 0 || counts.Scored < 0
                || counts.SkippedPrefix > counts.Tokens || counts.SkippedRepeated > counts.Tokens || counts.Scored > counts.Tokens
                || counts.Tokens - counts.SkippedPrefix - counts.SkippedRepeated != counts.Scored)
            {
                throw Inconsistent();
            }

            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            int entries = reader.ReadInt32();
            if (deduplicate)
            {
                // Each distinct hash came from at least one unmasked n-gram.
                if (entries < 0 || (long)entries * 8 != remaining - 4 || entries > counts.Scored)
                {
                    throw Inconsistent();
                }

                ulong previous = 0;
                for (int i = 0; i < entries; i++)
                {
                    ulong hash = reader.ReadUInt64();
                    if (i > 0 && hash <= previous)
                    {
                        throw Inconsistent();
                    }

                    accumulator._ngrams!.Add(hash);
                    previous = hash;
                }
            }
            else
            {
                if (entries < 0 || (long)entries * 12 != remaining - 4 || entries > counts.Scored || entries > scheme.Table.Length)
                {
                    throw Inconsistent();
                }

                long total = 0;
                int previous = -1;
                for (int i = 0; i < entries; i++)
                {
                    int residue = reader.ReadInt32();
                    long count = reader.ReadInt64();
                    if (residue <= previous || residue >= scheme.Table.Length || count < 1 || count > counts.Scored)
                    {
                        throw Inconsistent();
                    }

                    accumulator.AddResidue(residue, count);
                    total += count;
                    previous = residue;
                }

                // Every unmasked n-gram has one residue: the counts must sum to the scored n-grams.
                if (total != counts.Scored)
                {
                    throw Inconsistent();
                }
            }

            accumulator.Counts = counts;
            return accumulator;
        });
    }

    /// <summary>
    /// Scores validated tokens, continuing the open document. When not empty, <paramref name="trials"/>
    /// and <paramref name="ones"/> receive, at each unmasked n-gram's last token, the number of table
    /// indices it reads first (every lookup without deduplication) and their ones.
    /// </summary>
    internal void AppendValidated(ReadOnlySpan<int> tokens, Span<int> trials, Span<int> ones)
    {
        int n = _window.Length + 1, depth = _scheme.Depth, eos = _scheme.Options.EosTokenId;
        bool record = !trials.IsEmpty;
        ReadOnlySpan<byte> table = _scheme.Table;
        _history ??= new HfSynthIdHistory(_scheme.Options.ContextHistory);
        Counts.Tokens += tokens.Length;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            _eosSeen |= token == eos;
            if (_filled < n - 1)
            {
                _window[_filled++] = token;
                Counts.SkippedPrefix++;
                continue;
            }

            long hash = HfSynthIdScheme.ContextHash(_window);
            bool repeated = _history.CheckAndPush(hash);
            if (_window.Length > 0)
            {
                _window.AsSpan(1).CopyTo(_window);
                _window[^1] = token;
            }

            if (repeated || _eosSeen)
            {
                Counts.SkippedRepeated++;
                continue;
            }

            Counts.Scored++;
            ulong ngram = HfSynthIdScheme.NgramHash(hash, token);
            if (_ngrams is not null)
            {
                _ngrams.Add(ngram);
            }
            else
            {
                AddResidue((int)(ngram & (ulong)_scheme.TableMask), 1);
            }

            if (record)
            {
                // Localization's per-window binomial: the table indices this n-gram reads first.
                int first = 0, firstOnes = 0;
                for (int d = 0; d < depth; d++)
                {
                    int index = _scheme.TableIndex(ngram, d);
                    if (!Deduplicate || (_firstReads ??= []).Add(index))
                    {
                        first++;
                        firstOnes += table[index];
                    }
                }

                trials[i] = first;
                ones[i] = firstOnes;
            }
        }
    }

    /// <summary>The null distribution over random keys of the scored n-grams (null when none), and their number (distinct with deduplication).</summary>
    private (HfSynthIdKeyNull? Null, long Ngrams) NullDistribution()
    {
        var histogram = new long[_scheme.Table.Length];
        long n = 0;
        if (_ngrams is not null)
        {
            ulong mask = (ulong)_scheme.TableMask;
            foreach (ulong hash in _ngrams)
            {
                histogram[(int)(hash & mask)]++;
            }

            n = _ngrams.Count;
        }
        else
        {
            foreach (var (residue, count) in _residues!)
            {
                histogram[residue] += count;
                n += count;
            }
        }

        return n == 0 ? (null, 0) : (HfSynthIdKeyNull.Create(histogram, _scheme.Spectrum), n);
    }

    private void AddResidue(int residue, long count)
    {
        ref long slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_residues!, residue, out _);
        slot += count;
    }
}
