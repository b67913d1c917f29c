using System;
using System.Diagnostics;
using System.Threading;

namespace Distill.Evaluation;

public sealed partial class KneserNeyModel
{
    // Per node: the sum of its entries' discounted probabilities (the mass that stays at its order).
    private double[]? _alphaSums;

    // The ids seen in training, by unigram probability (largest first, lowest id among equals).
    private int[]? _unigramRanking;

    /// <summary>
    /// Draws the next token from the model's distribution after a context, given one uniform number,
    /// without touching the whole vocabulary.
    /// </summary>
    /// <param name="context">The tokens before the one to draw, as for <see cref="GetLogProbabilities(ReadOnlySpan{int}, Span{float})"/>.</param>
    /// <param name="uniform">A number in [0, 1); the same number and context always give the same token.</param>
    /// <returns>A token id seen in training.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="uniform"/> is not in [0, 1), or a context token is negative or not below <see cref="VocabularySize"/>.
    /// </exception>
    /// <remarks>
    /// The interpolated distribution <c>P_d(w) = α_d(w) + γ_d P_{d-1}(w)</c> is a mixture: at the
    /// longest stored context, the token is one of its observed continuations with probability
    /// <c>Σ α_d</c> (each in proportion to its discounted probability), and otherwise is drawn from
    /// the next shorter context with weight <c>γ_d</c>; at the empty context the fallback is uniform
    /// over the ids seen in training. The uniform number is rescaled at each back-off, so the draw is
    /// exact up to double rounding; it costs one pass over the continuations of the orders it visits.
    /// </remarks>
    public int Sample(ReadOnlySpan<int> context, double uniform)
    {
        if (!(uniform >= 0 && uniform < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(uniform), uniform, "The uniform number must be in [0, 1).");
        }

        Span<int> chain = stackalloc int[MaxOrder];
        int depth = FindContexts(context, chain);
        double[] sums = AlphaSums();
        double u = uniform;
        for (int d = depth; d >= 0; d--)
        {
            int node = d == 0 ? 0 : chain[d - 1];
            double kept = sums[node];
            double gamma = _nodeGamma[node];
            double x = u * (kept + gamma);
            if (x < kept)
            {
                return PickEntry(node, x);
            }

            // Rescale the part of [0, 1) that backs off to the shorter context.
            u = gamma > 0 ? Math.Min((x - kept) / gamma, BelowOne) : 0;
        }

        // The uniform fallback over the ids seen in training (the root's continuations).
        int index = Math.Min((int)(u * _nodeLength[0]), _nodeLength[0] - 1);
        return _entryToken[_nodeStart[0] + index];
    }

    /// <summary>Returns the most likely next token after a context, without touching the whole vocabulary.</summary>
    /// <param name="context">The tokens before the one to predict, as for <see cref="GetLogProbabilities(ReadOnlySpan{int}, Span{float})"/>.</param>
    /// <returns>
    /// The id with the largest probability, the lowest id among equals: the same token as the largest
    /// value that <see cref="GetLogProbabilities(ReadOnlySpan{int}, Span{float})"/> writes.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A context token is negative or not below <see cref="VocabularySize"/>.</exception>
    /// <remarks>
    /// Probabilities are computed as <see cref="GetLogProbabilities(ReadOnlySpan{int}, Span{float})"/>
    /// computes them, in single precision in the same order, so the two agree bit for bit. The
    /// candidates are the observed continuations of the stored contexts (every continuation of a
    /// longer context is also one of the shortest non-empty context, by continuation counting) and,
    /// among the other ids, whose probability is the scaled unigram, the best by unigram rank.
    /// </remarks>
    public int MostLikelyNextToken(ReadOnlySpan<int> context)
    {
        Span<int> chain = stackalloc int[MaxOrder];
        int depth = FindContexts(context, chain);
        Span<double> scales = stackalloc double[MaxOrder];
        double scale = LevelScales(chain, depth, scales);

        float unigramScale = (float)scale;
        int bestToken = -1;
        float best = float.NegativeInfinity;
        if (depth >= 1)
        {
            // Merge the levels' sorted continuation lists along the shortest context's list.
            Span<int> cursors = stackalloc int[MaxOrder];
            for (int d = 1; d <= depth; d++)
            {
                cursors[d - 1] = _nodeStart[chain[d - 1]];
            }

            int lowest = chain[0];
            int end = _nodeStart[lowest] + _nodeLength[lowest];
            for (int e = _nodeStart[lowest]; e < end; e++)
            {
                int token = _entryToken[e];
                float value = _unigram[token] * unigramScale;
                value += (float)(scales[0] * _entryAlpha[e]);
                for (int d = 2; d <= depth; d++)
                {
                    int node = chain[d - 1];
                    int levelEnd = _nodeStart[node] + _nodeLength[node];
                    ref int cursor = ref cursors[d - 1];
                    while (cursor < levelEnd && _entryToken[cursor] < token)
                    {
                        cursor++;
                    }

                    if (cursor < levelEnd && _entryToken[cursor] == token)
                    {
                        value += (float)(scales[d - 1] * _entryAlpha[cursor]);
                    }
                }

                if (value > best || (value == best && token < bestToken))
                {
                    best = value;
                    bestToken = token;
                }
            }
        }

        // The best ids outside the shortest context's continuations: the scaled unigram decides,
        // and equal products (ties after rounding) go to the lowest id.
        int[] ranking = UnigramRanking();
        float outside = float.NegativeInfinity;
        foreach (int token in ranking)
        {
            if (depth >= 1 && FindEntry(chain[0], token) >= 0)
            {
                continue;
            }

            float value = _unigram[token] * unigramScale;
            if (value < outside)
            {
                break;
            }

            outside = value;
            if (value > best || (value == best && token < bestToken))
            {
                best = value;
                bestToken = token;
            }
        }

        Debug.Assert(bestToken >= 0, "A trained model has at least one seen token.");
        return bestToken;
    }

    /// <summary>Draws the next token with a xoshiro256** generator (one draw per token).</summary>
    internal int Sample(ReadOnlySpan<int> context, ref Xoshiro256StarStar random) => Sample(context, random.NextDouble());

    private const double BelowOne = 1 - (1.0 / (1UL << 53));

    // The entry of a node whose cumulative discounted probability first exceeds x (x < the node's sum).
    private int PickEntry(int node, double x)
    {
        int start = _nodeStart[node];
        int end = start + _nodeLength[node];
        double cumulative = 0;
        int last = start;
        for (int e = start; e < end; e++)
        {
            double alpha = _entryAlpha[e];
            if (alpha <= 0)
            {
                continue;
            }

            cumulative += alpha;
            last = e;
            if (x < cumulative)
            {
                return _entryToken[e];
            }
        }

        // Only reachable through rounding of the sum: the last entry with positive mass.
        return _entryToken[last];
    }

    private double[] AlphaSums()
    {
        if (Volatile.Read(ref _alphaSums) is { } sums)
        {
            return sums;
        }

        // Summed in entry order, as PickEntry accumulates, so x < sum always finds an entry.
        var computed = new double[_nodeStart.Length];
        for (int node = 0; node < computed.Length; node++)
        {
            double sum = 0;
            int end = _nodeStart[node] + _nodeLength[node];
            for (int e = _nodeStart[node]; e < end; e++)
            {
                sum += _entryAlpha[e];
            }

            computed[node] = sum;
        }

        return Interlocked.CompareExchange(ref _alphaSums, computed, null) ?? computed;
    }

    private int[] UnigramRanking()
    {
        if (Volatile.Read(ref _unigramRanking) is { } ranking)
        {
            return ranking;
        }

        int start = _nodeStart[0];
        var tokens = new int[_nodeLength[0]];
        Array.Copy(_entryToken, start, tokens, 0, tokens.Length);
        float[] unigram = _unigram;
        Array.Sort(tokens, (a, b) => unigram[a] != unigram[b] ? unigram[b].CompareTo(unigram[a]) : a.CompareTo(b));
        return Interlocked.CompareExchange(ref _unigramRanking, tokens, null) ?? tokens;
    }
}
