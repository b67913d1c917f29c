using System;
using System.Collections.Generic;

namespace Distill.Interop;

/// <summary>
/// The detection side of transformers' <c>SynthIDTextWatermarkLogitsProcessor</c> and of Google
/// DeepMind's mean detectors, reproduced: the sampling table (<c>randint(0, 2)</c> on the torch CPU
/// generator), the n-gram hash, g-values, the context-repetition and EOS masks, and the mean and
/// weighted-mean scores. For the compatibility profiles.
/// </summary>
internal sealed class HfSynthIdDetection
{
    private const ulong Multiplier = 6364136223846793005UL;

    private readonly byte[] _table;
    private readonly long[] _keys;

    private static readonly Dictionary<(ulong Seed, int Size), byte[]> s_tables = [];

    public HfSynthIdDetection(IReadOnlyList<long> keys, int ngramLength, int tableSize = 65536, ulong tableSeed = 0, int contextHistory = 1024)
    {
        if (tableSize <= 0 || (tableSize & (tableSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "The sampling table size must be a power of two.");
        }

        _keys = [.. keys];
        NgramLength = ngramLength;
        ContextHistory = contextHistory;
        _table = SamplingTable(tableSeed, tableSize);
    }

    public int NgramLength { get; }

    /// <summary>Gets the size of the context history of the repetition mask (the reference's <c>context_history_size</c>).</summary>
    public int ContextHistory { get; }

    /// <summary>Gets the keys, one per depth.</summary>
    public ReadOnlySpan<long> Keys => _keys;

    /// <summary>
    /// The sampling table: <c>randint(0, 2, (size,))</c> on a torch CPU generator seeded with
    /// <paramref name="seed"/> (<c>next32() % 2</c> in order). Shared, never written: the last few
    /// tables drawn are kept, since every scheme of a profile uses the same one.
    /// </summary>
    internal static byte[] SamplingTable(ulong seed, int size)
    {
        lock (s_tables)
        {
            if (s_tables.TryGetValue((seed, size), out byte[]? cached))
            {
                return cached;
            }
        }

        var table = new byte[size];
        var generator = new TorchCpuGenerator(seed);
        for (int i = 0; i < size; i++)
        {
            table[i] = (byte)(generator.Next32() % 2);
        }

        lock (s_tables)
        {
            if (s_tables.Count >= 8)
            {
                s_tables.Clear();
            }

            s_tables[(seed, size)] = table;
        }

        return table;
    }

    public int Depth => _keys.Length;

    public ReadOnlySpan<byte> Table => _table;

    /// <summary>The reference's hash: from <paramref name="start"/>, h = (h + x) * 6364136223846793005 + 1 modulo 2^64, per value.</summary>
    public static long Hash(long start, ReadOnlySpan<long> values)
    {
        unchecked
        {
            ulong h = (ulong)start;
            foreach (long x in values)
            {
                h = ((h + (ulong)x) * Multiplier) + 1;
            }

            return (long)h;
        }
    }

    /// <summary>The key of an n-gram at every depth: the hash of its tokens, continued with that depth's key.</summary>
    public void NgramKeys(ReadOnlySpan<int> ngram, Span<long> destination)
    {
        Span<long> values = stackalloc long[ngram.Length];
        for (int i = 0; i < ngram.Length; i++)
        {
            values[i] = ngram[i];
        }

        long h = Hash(1, values);
        for (int d = 0; d < _keys.Length; d++)
        {
            destination[d] = Hash(h, [_keys[d]]);
        }
    }

    /// <summary>The g-value of a key: table[key mod size] (a floor modulo; the size is a power of two).</summary>
    public byte G(long key) => _table[(int)(key & (_table.Length - 1))];

    /// <summary>
    /// Scores generated tokens: per n-gram (tokens[i .. i + n)) its g-values at every depth, the masks
    /// (context among the previous <see cref="ContextHistory"/> contexts of this text, with the reference's
    /// zero-filled initial history: 0; at or after the first EOS: 0), and the mean and weighted-mean
    /// scores over unmasked n-grams (weights linspace(10, 1, depth) rescaled to sum to the depth).
    /// </summary>
    public (byte[][] GValues, bool[] Repetition, bool[] Eos, double Mean, double WeightedMean, double MeanAll, double WeightedMeanAll) Score(ReadOnlySpan<int> tokens, int eosTokenId)
    {
        int n = NgramLength, count = Math.Max(0, tokens.Length - n + 1);
        var g = new byte[count][];
        var repetition = new bool[count];
        var eos = new bool[count];
        var history = new HfSynthIdHistory(ContextHistory);
        Span<long> keys = stackalloc long[_keys.Length];
        Span<long> context = stackalloc long[n - 1];
        int firstEos = tokens.IndexOf(eosTokenId);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<int> ngram = tokens.Slice(i, n);
            NgramKeys(ngram, keys);
            g[i] = new byte[_keys.Length];
            for (int d = 0; d < _keys.Length; d++)
            {
                g[i][d] = G(keys[d]);
            }

            for (int j = 0; j < n - 1; j++)
            {
                context[j] = ngram[j];
            }

            repetition[i] = !history.CheckAndPush(Hash(1, context));
            eos[i] = firstEos < 0 || i + n - 1 < firstEos;
        }

        double[] weights = new double[_keys.Length];
        double total = 0;
        for (int d = 0; d < weights.Length; d++)
        {
            weights[d] = weights.Length == 1 ? 10.0 : 10.0 - (9.0 * d / (weights.Length - 1));
            total += weights[d];
        }

        for (int d = 0; d < weights.Length; d++)
        {
            weights[d] = weights[d] * weights.Length / total;
        }

        (double mean, double weighted) = Means(g, i => repetition[i] && eos[i], weights);
        (double meanAll, double weightedAll) = Means(g, _ => true, weights);
        return (g, repetition, eos, mean, weighted, meanAll, weightedAll);
    }

    private static (double Mean, double Weighted) Means(byte[][] g, Func<int, bool> unmasked, double[] weights)
    {
        double sum = 0, weightedSum = 0;
        int kept = 0;
        for (int i = 0; i < g.Length; i++)
        {
            if (!unmasked(i))
            {
                continue;
            }

            kept++;
            for (int d = 0; d < weights.Length; d++)
            {
                sum += g[i][d];
                weightedSum += g[i][d] * weights[d];
            }
        }

        double cells = (double)kept * weights.Length;
        return kept == 0 ? (double.NaN, double.NaN) : (sum / cells, weightedSum / cells);
    }
}
