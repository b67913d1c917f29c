using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace Distill.Evaluation;

/// <summary>
/// An interpolated modified Kneser-Ney n-gram language model over token ids (Chen and Goodman,
/// "An Empirical Study of Smoothing Techniques for Language Modeling", 1998): a small, real
/// next-token distribution for tests, demos and benchmarks.
/// </summary>
/// <remarks>
/// <para>
/// For a context <c>h</c> of <c>n - 1</c> tokens, <c>P(w | h) = max(c(hw) - D(c(hw)), 0) / c(h·) +
/// γ(h) P(w | h')</c>, where <c>h'</c> drops the oldest token, <c>γ(h) = (D1 N1(h·) + D2 N2(h·) +
/// D3+ N3+(h·)) / c(h·)</c>, and the three discounts per order are estimated from counts of counts:
/// <c>Y = n1 / (n1 + 2 n2)</c>, <c>D1 = 1 - 2Y n2/n1</c>, <c>D2 = 2 - 3Y n3/n2</c>,
/// <c>D3+ = 3 - 4Y n4/n3</c>. The highest order uses raw counts; lower orders use continuation
/// counts (the number of distinct tokens seen before the n-gram). A context never seen in training
/// backs off to the longest seen suffix. A discount estimate outside <c>(0, k)</c> (tiny corpora)
/// is replaced by <c>k / 2</c>.
/// </para>
/// <para>
/// The lowest order (unigram) interpolates with a uniform distribution over the token ids seen in
/// training only. Ids never seen in training have probability zero, so their log-probability is
/// negative infinity: the model produces masked logits, as real models with reserved ids do.
/// </para>
/// <para>
/// Document starts: every training document is preceded by <c>n - 1</c> start-of-document markers
/// (an internal symbol that is not a token id and is never predicted). At query time a context
/// shorter than <c>n - 1</c> tokens is padded the same way, so an empty context means "the first
/// token of a document". There is no end-of-document symbol.
/// </para>
/// <para>
/// After training the model is immutable, and every member is safe to call from many threads at once.
/// </para>
/// </remarks>
public sealed partial class KneserNeyModel
{
    /// <summary>The smallest supported order (a unigram model).</summary>
    public const int MinOrder = 1;

    /// <summary>The largest supported order.</summary>
    public const int MaxOrder = 5;

    /// <summary>The largest supported vocabulary size.</summary>
    public const int MaxVocabularySize = (1 << TokenBits) - 1;

    private const int TokenBits = 24;
    private const long TokenMask = (1L << TokenBits) - 1;

    // Contexts form a trie that grows to the left: node 0 is the empty context, and the child of
    // node h for token v is the context v·h. Key = parent << TokenBits | token (or the start marker).
    private readonly Dictionary<long, int> _children;

    // Per node: its n-grams (continuations) are entries [_nodeStart, _nodeStart + _nodeLength),
    // sorted by token; _nodeGamma is the back-off weight γ(h).
    private readonly int[] _nodeStart;
    private readonly int[] _nodeLength;
    private readonly double[] _nodeGamma;

    // Per entry: the continuation token and its discounted probability max(c - D, 0) / c(h·).
    private readonly int[] _entryToken;
    private readonly double[] _entryAlpha;

    // The dense unigram distribution P_1(w), zero for ids never seen in training.
    private readonly float[] _unigram;
    private readonly double _uniformWeight;
    private readonly KneserNeyDiscounts[] _discounts;

    private int StartMarker => VocabularySize;

    /// <summary>Gets the model's order n: it predicts a token from the <c>n - 1</c> tokens before it.</summary>
    public int Order { get; }

    /// <summary>Gets the number of token ids, the length of every distribution this model writes.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets the number of tokens the model was trained on.</summary>
    public long TrainingTokenCount { get; }

    /// <summary>Gets the number of distinct token ids seen in training; only these have positive probability.</summary>
    public int SeenTokenCount { get; }

    /// <summary>Gets the number of distinct n-grams of all orders the model stores.</summary>
    public int NGramCount => _entryToken.Length;

    /// <summary>Gets the number of distinct contexts (of lengths 0 to <c>n - 1</c>) the model stores.</summary>
    public int ContextCount => _nodeStart.Length;

    /// <summary>Gets the discounts estimated for one order.</summary>
    /// <param name="order">An order from 1 to <see cref="Order"/>.</param>
    /// <returns>The discounts D1, D2 and D3+ for n-grams of that order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not between 1 and <see cref="Order"/>.</exception>
    public KneserNeyDiscounts GetDiscounts(int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, Order);
        return _discounts[order - 1];
    }

    /// <summary>Returns whether a token id was seen in training (and so has positive probability in every context).</summary>
    /// <param name="token">A token id.</param>
    /// <returns><see langword="true"/> if the id occurred in the training data.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is negative or not below <see cref="VocabularySize"/>.</exception>
    public bool IsSeen(int token)
    {
        ValidateToken(token, nameof(token));
        return _unigram[token] > 0;
    }

    /// <summary>Writes the natural-log probability of every token id following a context.</summary>
    /// <param name="context">
    /// The tokens before the one to predict, oldest first; only the last <c>n - 1</c> are used. A
    /// shorter context is taken as the start of a document.
    /// </param>
    /// <param name="destination">
    /// Receives <c>log P(w | context)</c> for every id <c>w</c>; negative infinity for ids never seen
    /// in training. Its length must be <see cref="VocabularySize"/>.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="destination"/>'s length is not <see cref="VocabularySize"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A context token is negative or not below <see cref="VocabularySize"/>.</exception>
    /// <remarks>
    /// Allocates nothing: the dense unigram distribution is scaled by the product of the back-off
    /// weights, the sparse higher-order terms of the contexts found are added, and the logarithm is
    /// taken in place with <see cref="TensorPrimitives.Log(ReadOnlySpan{float}, Span{float})"/>.
    /// </remarks>
    public void GetLogProbabilities(ReadOnlySpan<int> context, Span<float> destination)
    {
        if (destination.Length != VocabularySize)
        {
            throw new ArgumentException($"The destination has {destination.Length} elements; the model's vocabulary has {VocabularySize}.", nameof(destination));
        }

        Span<int> chain = stackalloc int[MaxOrder];
        int depth = FindContexts(context, chain);

        // P_d(w) = alpha_d(w) + γ_d P_{d-1}(w) unrolls to: unigram scaled by Π γ, plus each level's
        // alpha scaled by the γ of the levels above it.
        Span<double> scales = stackalloc double[MaxOrder];
        double scale = LevelScales(chain, depth, scales);

        TensorPrimitives.Multiply(_unigram, (float)scale, destination);
        for (int d = 1; d <= depth; d++)
        {
            int node = chain[d - 1];
            double levelScale = scales[d - 1];
            int start = _nodeStart[node];
            int end = start + _nodeLength[node];
            for (int e = start; e < end; e++)
            {
                destination[_entryToken[e]] += (float)(levelScale * _entryAlpha[e]);
            }
        }

        TensorPrimitives.Log(destination, destination);
    }

    /// <summary>Gets the natural-log probability of one token following a context.</summary>
    /// <param name="context">The tokens before <paramref name="token"/>, as for <see cref="GetLogProbabilities(ReadOnlySpan{int}, Span{float})"/>.</param>
    /// <param name="token">The token to score.</param>
    /// <returns><c>log P(token | context)</c> in double precision; negative infinity for an id never seen in training.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token is negative or not below <see cref="VocabularySize"/>.</exception>
    public double LogProbability(ReadOnlySpan<int> context, int token)
    {
        ValidateToken(token, nameof(token));
        Span<int> chain = stackalloc int[MaxOrder];
        int depth = FindContexts(context, chain);
        int root = FindEntry(0, token);
        if (root < 0)
        {
            return double.NegativeInfinity;
        }

        double p = _entryAlpha[root] + _uniformWeight;
        for (int d = 1; d <= depth; d++)
        {
            int node = chain[d - 1];
            int entry = FindEntry(node, token);
            p = (entry < 0 ? 0 : _entryAlpha[entry]) + (_nodeGamma[node] * p);
        }

        return Math.Log(p);
    }

    /// <summary>Computes the model's perplexity on token sequences, each scored from a document start.</summary>
    /// <param name="sequences">The sequences; each one's first token is scored as the first token of a document.</param>
    /// <returns>The perplexity over the tokens with positive probability, and the count of those without.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sequences"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token is negative or not below <see cref="VocabularySize"/>.</exception>
    public PerplexityResult ComputePerplexity(IEnumerable<ReadOnlyMemory<int>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        long scored = 0;
        long zero = 0;
        double sum = 0;
        foreach (ReadOnlyMemory<int> sequence in sequences)
        {
            ReadOnlySpan<int> tokens = sequence.Span;
            for (int i = 0; i < tokens.Length; i++)
            {
                double logP = LogProbability(tokens[Math.Max(0, i - Order + 1)..i], tokens[i]);
                if (double.IsNegativeInfinity(logP))
                {
                    zero++;
                }
                else
                {
                    sum += logP;
                    scored++;
                }
            }
        }

        return new PerplexityResult(scored, zero, sum);
    }

    // Walks from the empty context towards the longest stored suffix of the context (padded with
    // start markers); writes the nodes for lengths 1.. into chain and returns how many were found.
    private int FindContexts(ReadOnlySpan<int> context, Span<int> chain)
    {
        int node = 0;
        int depth = 0;
        for (int j = 1; j < Order; j++)
        {
            int code;
            if (j <= context.Length)
            {
                code = context[^j];
                ValidateToken(code, nameof(context));
            }
            else
            {
                code = StartMarker;
            }

            if (!_children.TryGetValue(Key(node, code), out int child))
            {
                break;
            }

            node = child;
            chain[depth++] = node;
        }

        // Validate the rest of the used context even when the walk stopped early.
        for (int j = depth + 2; j < Order && j <= context.Length; j++)
        {
            ValidateToken(context[^j], nameof(context));
        }

        return depth;
    }

    private int FindEntry(int node, int token)
    {
        int index = Array.BinarySearch(_entryToken, _nodeStart[node], _nodeLength[node], token);
        return index;
    }

    private void ValidateToken(int token, string paramName)
    {
        if (token < 0 || token >= VocabularySize)
        {
            throw new ArgumentOutOfRangeException(paramName, token, $"Token id {token} is outside the vocabulary (0 to {VocabularySize - 1}).");
        }
    }

    private static long Key(int node, int code)
    {
        Debug.Assert(node >= 0 && code >= 0 && code <= TokenMask);
        return ((long)node << TokenBits) | (uint)code;
    }

    /// <summary>
    /// Writes to <paramref name="scales"/>[d - 1] the product of the interpolation weights of the
    /// levels above level d of the context chain, and returns the unigram's scale (all of them).
    /// </summary>
    private double LevelScales(ReadOnlySpan<int> chain, int depth, Span<double> scales)
    {
        double scale = 1;
        for (int d = depth; d >= 1; d--)
        {
            scales[d - 1] = scale;
            scale *= _nodeGamma[chain[d - 1]];
        }

        return scale;
    }
}
