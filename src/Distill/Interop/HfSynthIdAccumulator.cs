using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Detection;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// Scoring state of an <see cref="HfSynthIdScheme"/>: the counts of tokens, of the first n - 1 tokens
/// of each document, of masked n-grams (repeated context or at or after the first EOS) and of unmasked
/// ones; with deduplication the set of distinct table indices read, each with the integer units of the
/// layer weights of every lookup that hit it; without, the ones of each layer.
/// </summary>
/// <remarks>
/// The repetition and EOS masks restart with each document (the reference scores each text on its
/// own); the set of indices spans every document. A merge adds the units index by index, so it equals
/// scoring everything in one accumulator, exactly.
/// </remarks>
internal sealed class HfSynthIdAccumulator : WatermarkAccumulator
{
    private const double Ln2 = 0.69314718055994530941723212145818;
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLHSI1");
    private readonly HfSynthIdScheme _scheme;
    private readonly int _minimumScoredTokens;
    private readonly Dictionary<int, long>? _indices;
    private readonly long[] _layerOnes;
    private readonly int[] _window;
    private GreenListCounts _counts;
    private long _distinctOnes;
    private HfSynthIdHistory? _history;
    private int _filled;
    private bool _eosSeen;

    internal HfSynthIdAccumulator(HfSynthIdScheme scheme, DetectionOptions options)
    {
        _scheme = scheme;
        Deduplicate = options.Deduplicate;
        _minimumScoredTokens = options.MinimumScoredTokens;
        _indices = options.Deduplicate ? [] : null;
        _layerOnes = new long[scheme.Depth];
        _window = new int[scheme.Options.NgramLength - 1];
    }

    public override SchemeDescriptor Descriptor => _scheme.Descriptor;

    public override bool Deduplicate { get; }

    public override long TokenCount => _counts.Tokens;

    public override long ScoredTokens => _counts.Scored;

    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        AppendValidated(tokens, default, default);
    }

    public override void EndDocument()
    {
        _filled = 0;
        _eosSeen = false;
        _history?.Reset();
    }

    public override void Merge(WatermarkAccumulator other)
    {
        HfSynthIdAccumulator typed = CheckMergeable<HfSynthIdAccumulator>(other);
        _counts.Tokens += typed._counts.Tokens;
        _counts.SkippedPrefix += typed._counts.SkippedPrefix;
        _counts.SkippedRepeated += typed._counts.SkippedRepeated;
        _counts.Scored += typed._counts.Scored;
        for (int d = 0; d < _layerOnes.Length; d++)
        {
            _layerOnes[d] += typed._layerOnes[d];
        }

        if (_indices is not null)
        {
            foreach (var (index, units) in typed._indices!)
            {
                AddUnits(index, units);
            }
        }
    }

    public override DetectionResult GetResult()
    {
        long trials, ones;
        if (_indices is not null)
        {
            trials = _indices.Count;
            ones = _distinctOnes;
        }
        else
        {
            trials = _counts.Scored * _scheme.Depth;
            ones = _layerOnes.Sum();
        }

        GreenListCounts counts = _counts;
        counts.Green = ones;
        double score = trials > 0 ? (double)ones / trials : 0.0;
        double z = trials > 0 ? (ones - (trials / 2.0)) / Math.Sqrt(trials / 4.0) : 0.0;
        double log10P = _counts.Scored >= _minimumScoredTokens ? Binomial.Log10UpperTail(ones, trials, 0.5) : 0.0;
        return new DetectionResult(Descriptor, counts, DetectionStatistic.MeanGValue, score, double.NaN, Deduplicate, _minimumScoredTokens, z, log10P);
    }

    internal DetectionResult GetWeightedResult()
    {
        // Groups of independent fair bits sharing one weight (in integer units): distinct indices by
        // their summed units with deduplication, each layer's lookups without.
        var groups = new Dictionary<long, (long Count, long Ones)>();
        long ones = 0;
        if (_indices is not null)
        {
            ReadOnlySpan<byte> table = _scheme.Table;
            foreach (var (index, units) in _indices)
            {
                int bit = table[index];
                var (count, groupOnes) = groups.GetValueOrDefault(units);
                groups[units] = (count + 1, groupOnes + bit);
                ones += bit;
            }
        }
        else
        {
            ReadOnlySpan<long> layerUnits = _scheme.Units;
            for (int d = 0; d < _layerOnes.Length; d++)
            {
                var (count, groupOnes) = groups.GetValueOrDefault(layerUnits[d]);
                groups[layerUnits[d]] = (count + _counts.Scored, groupOnes + _layerOnes[d]);
                ones += _layerOnes[d];
            }
        }

        long sumUnits = 0, totalUnits = 0;
        double squares = 0;
        foreach (var (units, (count, groupOnes)) in groups)
        {
            sumUnits += units * groupOnes;
            totalUnits += units * count;
            squares += (double)units * units * count;
        }

        GreenListCounts counts = _counts;
        counts.Green = ones;
        long cells = _counts.Scored * _scheme.Depth;
        double score = cells > 0 ? sumUnits * _scheme.UnitScale / cells : 0.0;
        double sd = Math.Sqrt(squares / 4.0);
        double z = sd > 0 ? (sumUnits - (totalUnits / 2.0)) / sd : 0.0;
        double log10P = _counts.Scored >= _minimumScoredTokens ? LogWeightedTail(groups, sumUnits, totalUnits) / Math.Log(10.0) : 0.0;
        return new DetectionResult(Descriptor, counts, DetectionStatistic.WeightedMeanGValue, score, double.NaN, Deduplicate, _minimumScoredTokens, z, log10P);
    }

    public override void Reset()
    {
        _counts = default;
        _distinctOnes = 0;
        Array.Clear(_layerOnes);
        _indices?.Clear();
        EndDocument();
    }

    /// <summary>
    /// Writes magic <c>DSTLHSI1</c>, the descriptor hash, the deduplication flag, the four counts (tokens,
    /// prefix, masked, scored), the depth, then with deduplication the number of distinct indices and each
    /// (index, units) in index order, without it the ones of each layer; then an XxHash64 checksum.
    /// </summary>
    public override void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteState(destination, s_magic, Descriptor, writer =>
        {
            writer.Write(Deduplicate);
            writer.Write(_counts.Tokens);
            writer.Write(_counts.SkippedPrefix);
            writer.Write(_counts.SkippedRepeated);
            writer.Write(_counts.Scored);
            writer.Write(_layerOnes.Length);
            if (_indices is not null)
            {
                writer.Write(_indices.Count);
                foreach (var (index, units) in _indices.OrderBy(e => e.Key))
                {
                    writer.Write(index);
                    writer.Write(units);
                }
            }
            else
            {
                foreach (long count in _layerOnes)
                {
                    writer.Write(count);
                }
            }
        });
    }

    internal static HfSynthIdAccumulator ReadFrom(Stream source, HfSynthIdScheme scheme, DetectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] data = ReadState(source, s_magic, scheme.Descriptor, 37, "hf-synthid");
        using BinaryReader reader = PayloadReader(data, s_magic);
        try
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
            if (deduplicate)
            {
                int entries = reader.ReadInt32();
                if (entries < 0 || (long)entries * 12 != remaining - 4 || entries > counts.Scored * depth || entries > scheme.Table.Length)
                {
                    throw Inconsistent();
                }

                long total = 0;
                int previous = -1;
                for (int i = 0; i < entries; i++)
                {
                    int index = reader.ReadInt32();
                    long units = reader.ReadInt64();
                    if (index <= previous || index >= scheme.Table.Length || units < 1 || units > counts.Scored * scheme.UnitsPerPosition)
                    {
                        throw Inconsistent();
                    }

                    accumulator.AddUnits(index, units);
                    total += units;
                    previous = index;
                }

                // Every unmasked n-gram adds the units of all its layers: the totals must agree.
                if (total != counts.Scored * scheme.UnitsPerPosition)
                {
                    throw Inconsistent();
                }
            }
            else
            {
                if (remaining != 8L * depth)
                {
                    throw Inconsistent();
                }

                for (int d = 0; d < depth; d++)
                {
                    long ones = reader.ReadInt64();
                    if (ones < 0 || ones > counts.Scored)
                    {
                        throw Inconsistent();
                    }

                    accumulator._layerOnes[d] = ones;
                }
            }

            accumulator._counts = counts;
            return accumulator;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The accumulator data is truncated.");
        }
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
        _counts.Tokens += tokens.Length;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            _eosSeen |= token == eos;
            if (_filled < n - 1)
            {
                _window[_filled++] = token;
                _counts.SkippedPrefix++;
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
                _counts.SkippedRepeated++;
                continue;
            }

            _counts.Scored++;
            ulong ngram = HfSynthIdScheme.NgramHash(hash, token);
            int first = 0, firstOnes = 0;
            for (int d = 0; d < depth; d++)
            {
                int index = _scheme.TableIndex(ngram, d);
                int bit = table[index];
                if (_indices is not null)
                {
                    if (AddUnits(index, _scheme.Units[d]))
                    {
                        first++;
                        firstOnes += bit;
                    }
                }
                else
                {
                    _layerOnes[d] += bit;
                    first++;
                    firstOnes += bit;
                }
            }

            if (record)
            {
                trials[i] = first;
                ones[i] = firstOnes;
            }
        }
    }

    /// <summary>
    /// A Chernoff bound on the upper tail of S = sum of units times independent fair bits, in natural
    /// log: min over lambda &gt;= 0 of lambda d + sum_groups count (ln(1 + e^(-lambda u)) - ln 2), with
    /// d = total - S the deficit (integers, so no cancellation near the all-ones end); exact when every bit is 1.
    /// </summary>
    internal static double LogWeightedTail(Dictionary<long, (long Count, long Ones)> groups, long sum, long total)
    {
        if (total == 0 || 2 * sum <= total)
        {
            return 0.0;
        }

        long bits = 0;
        foreach (var (_, (count, _)) in groups)
        {
            bits += count;
        }

        double deficit = total - sum;
        if (deficit == 0)
        {
            return -bits * Ln2;
        }

        double lo = 0.0, hi = 1.0 / groups.Keys.Max();
        while (Derivative(hi, deficit, groups) < 0.0 && hi < 1e6)
        {
            lo = hi;
            hi *= 2.0;
        }

        for (int iteration = 0; iteration < 200 && hi - lo > 1e-15 * hi; iteration++)
        {
            double mid = (lo + hi) / 2.0;
            if (Derivative(mid, deficit, groups) < 0.0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        // Any lambda gives a valid bound; the minimum is the tightest.
        return Math.Min(0.0, Objective((lo + hi) / 2.0, deficit, groups));
    }

    private static double Objective(double lambda, double deficit, Dictionary<long, (long Count, long Ones)> groups)
    {
        double sum = lambda * deficit;
        foreach (var (units, (count, _)) in groups)
        {
            sum += count * (Binomial.Log1P(Math.Exp(-lambda * units)) - Ln2);
        }

        return sum;
    }

    private static double Derivative(double lambda, double deficit, Dictionary<long, (long Count, long Ones)> groups)
    {
        double sum = deficit;
        foreach (var (units, (count, _)) in groups)
        {
            sum -= count * units / (1.0 + Math.Exp(lambda * units));
        }

        return sum;
    }

    private static InvalidDataException Inconsistent() => new("The accumulator data is inconsistent.");

    /// <summary>Adds units to an index; true when the index is new (then its bit joins the ones).</summary>
    private bool AddUnits(int index, long units)
    {
        ref long slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_indices!, index, out bool exists);
        slot += units;
        if (!exists)
        {
            _distinctOnes += _scheme.Table[index];
        }

        return !exists;
    }
}
