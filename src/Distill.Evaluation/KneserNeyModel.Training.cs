using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Distill.Evaluation;

public sealed partial class KneserNeyModel
{
    private KneserNeyModel(
        int order,
        int vocabularySize,
        long trainingTokenCount,
        Dictionary<long, int> children,
        int[] nodeStart,
        int[] nodeLength,
        double[] nodeGamma,
        int[] entryToken,
        double[] entryAlpha,
        KneserNeyDiscounts[] discounts)
    {
        Order = order;
        VocabularySize = vocabularySize;
        TrainingTokenCount = trainingTokenCount;
        _children = children;
        _nodeStart = nodeStart;
        _nodeLength = nodeLength;
        _nodeGamma = nodeGamma;
        _entryToken = entryToken;
        _entryAlpha = entryAlpha;
        _discounts = discounts;

        // The root's continuations are exactly the tokens seen in training.
        SeenTokenCount = nodeLength[0];
        _uniformWeight = SeenTokenCount == 0 ? 0 : nodeGamma[0] / SeenTokenCount;
        _unigram = new float[vocabularySize];
        for (int e = nodeStart[0]; e < nodeStart[0] + nodeLength[0]; e++)
        {
            _unigram[entryToken[e]] = (float)(entryAlpha[e] + _uniformWeight);
        }
    }

    /// <summary>Trains a model of order 3 (a trigram model).</summary>
    /// <param name="documents">The training documents, one token-id sequence each.</param>
    /// <param name="vocabularySize">The tokenizer's vocabulary size (every id must be below it).</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="documents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="vocabularySize"/> is not between 1 and <see cref="MaxVocabularySize"/>, or a token is out of range.
    /// </exception>
    /// <exception cref="ArgumentException">The documents hold no tokens.</exception>
    public static KneserNeyModel Train(IEnumerable<ReadOnlyMemory<int>> documents, int vocabularySize) => Train(documents, vocabularySize, 3);

    /// <summary>Trains a model of a given order.</summary>
    /// <param name="documents">The training documents, one token-id sequence each; each starts a new document context.</param>
    /// <param name="vocabularySize">The tokenizer's vocabulary size (every id must be below it).</param>
    /// <param name="order">The order n, from <see cref="MinOrder"/> to <see cref="MaxOrder"/>: each token is predicted from the <c>n - 1</c> before it.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="documents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="order"/> or <paramref name="vocabularySize"/> is out of range, or a token is negative or not below <paramref name="vocabularySize"/>.
    /// </exception>
    /// <exception cref="ArgumentException">The documents hold no tokens.</exception>
    public static KneserNeyModel Train(IEnumerable<ReadOnlyMemory<int>> documents, int vocabularySize, int order)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(order, MinOrder);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, MaxOrder);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vocabularySize, MaxVocabularySize);

        int startMarker = vocabularySize;
        var children = new Dictionary<long, int>();
        var parents = new List<int> { -1 };

        // counts[d] holds the n-grams whose context is a node of depth d (order d + 1), keyed by
        // (node, token). The highest order holds raw counts.
        var counts = new Dictionary<long, int>[order];
        for (int d = 0; d < order; d++)
        {
            counts[d] = [];
        }

        long tokenCount = 0;
        foreach (ReadOnlyMemory<int> document in documents)
        {
            ReadOnlySpan<int> tokens = document.Span;
            for (int i = 0; i < tokens.Length; i++)
            {
                int token = tokens[i];
                if (token < 0 || token >= vocabularySize)
                {
                    throw new ArgumentOutOfRangeException(nameof(documents), token, $"Token id {token} is outside the vocabulary (0 to {vocabularySize - 1}).");
                }

                int node = 0;
                for (int j = 1; j < order; j++)
                {
                    int code = i - j >= 0 ? tokens[i - j] : startMarker;
                    ref int child = ref CollectionsMarshal.GetValueRefOrAddDefault(children, Key(node, code), out bool exists);
                    if (!exists)
                    {
                        child = parents.Count;
                        parents.Add(node);
                    }

                    node = child;
                }

                CollectionsMarshal.GetValueRefOrAddDefault(counts[order - 1], Key(node, token), out _)++;
                tokenCount++;
            }
        }

        if (tokenCount == 0)
        {
            throw new ArgumentException("The training documents hold no tokens.", nameof(documents));
        }

        // Continuation counts: the count of (h, w) at a lower order is the number of distinct
        // tokens v with (v h, w) seen, i.e. the number of distinct (child of h, w) entries one order up.
        for (int d = order - 2; d >= 0; d--)
        {
            Dictionary<long, int> lower = counts[d];
            foreach (long key in counts[d + 1].Keys)
            {
                int parent = parents[(int)(key >> TokenBits)];
                CollectionsMarshal.GetValueRefOrAddDefault(lower, Key(parent, (int)(key & TokenMask)), out _)++;
            }
        }

        int nodeCount = parents.Count;
        var nodeStart = new int[nodeCount];
        var nodeLength = new int[nodeCount];
        var nodeGamma = new double[nodeCount];
        int entryCount = 0;
        foreach (Dictionary<long, int> level in counts)
        {
            entryCount += level.Count;
        }

        var entryToken = new int[entryCount];
        var entryAlpha = new double[entryCount];
        var discounts = new KneserNeyDiscounts[order];
        int next = 0;
        for (int d = 0; d < order; d++)
        {
            Dictionary<long, int> level = counts[d];
            var keys = new long[level.Count];
            var values = new int[level.Count];
            level.Keys.CopyTo(keys, 0);
            level.Values.CopyTo(values, 0);
            counts[d] = null!; // let the GC reclaim levels as they are compacted
            Array.Sort(keys, values);

            KneserNeyDiscounts discount = EstimateDiscounts(values);
            discounts[d] = discount;

            int i = 0;
            while (i < keys.Length)
            {
                int node = (int)(keys[i] >> TokenBits);
                int groupEnd = i;
                long total = 0;
                long n1 = 0, n2 = 0, n3 = 0;
                while (groupEnd < keys.Length && (int)(keys[groupEnd] >> TokenBits) == node)
                {
                    int c = values[groupEnd];
                    total += c;
                    switch (c)
                    {
                        case 1: n1++; break;
                        case 2: n2++; break;
                        default: n3++; break;
                    }

                    groupEnd++;
                }

                nodeStart[node] = next;
                nodeLength[node] = groupEnd - i;
                nodeGamma[node] = ((discount.One * n1) + (discount.Two * n2) + (discount.ThreePlus * n3)) / total;
                for (int k = i; k < groupEnd; k++)
                {
                    int c = values[k];
                    entryToken[next] = (int)(keys[k] & TokenMask);
                    entryAlpha[next] = Math.Max(c - discount.For(c), 0) / total;
                    next++;
                }

                i = groupEnd;
            }
        }

        return new KneserNeyModel(order, vocabularySize, tokenCount, children, nodeStart, nodeLength, nodeGamma, entryToken, entryAlpha, discounts);
    }

    // Chen and Goodman (1998), eq. (26). An estimate outside (0, k) falls back to k / 2.
    private static KneserNeyDiscounts EstimateDiscounts(int[] counts)
    {
        Span<long> n = stackalloc long[5];
        foreach (int c in counts)
        {
            if (c <= 4)
            {
                n[c]++;
            }
        }

        double y = n[1] + (2 * n[2]) > 0 ? n[1] / (double)(n[1] + (2 * n[2])) : double.NaN;
        return new KneserNeyDiscounts(
            Valid(1 - (2 * y * n[2] / n[1]), 1),
            Valid(2 - (3 * y * n[3] / n[2]), 2),
            Valid(3 - (4 * y * n[4] / n[3]), 3));

        static double Valid(double estimate, int k) => estimate > 0 && estimate < k ? estimate : k / 2.0;
    }
}
