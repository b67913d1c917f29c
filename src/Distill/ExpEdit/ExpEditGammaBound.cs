using System;
using System.Diagnostics;
using Distill.Statistics;

namespace Distill.ExpEdit;

/// <summary>
/// EXP-edit's closed-form test (<see cref="ExpEditTest.GammaBound"/>): the largest sum of
/// -ln(1 - xi) along an unedited alignment of a text block with consecutive key positions, with a
/// Gamma tail and a Bonferroni factor for every block and shift searched.
/// </summary>
/// <remarks>
/// <para>
/// For one block of L tokens starting at b and one shift t, the block's i-th token y is paired with
/// key position (t + i) mod n. When the text does not depend on the key, the uniforms
/// xi_j[y] of distinct (position, token) pairs are independent and uniform on (0, 1) given the text,
/// so the sum S of -ln(1 - xi) over the m distinct pairs is exactly Gamma(m, 1) and
/// P[S &gt;= s] = Q(m, s). A pair repeats only when a block is longer than the key and a token recurs
/// a multiple of n positions later; it is then counted once (its first occurrence). The test takes
/// the least Q over every block length searched (the scheme's block length, or the text's length
/// when shorter, then halved while at least <see cref="ShortestBlock"/>), every start and every
/// shift, and multiplies it by the number T of (length, start, shift) triples: p = min(1, T Q_min),
/// conservative whatever the dependence between the triples.
/// </para>
/// <para>
/// The costs are the binary32 values ln(1 - xi) of <see cref="ExpEditAlignment.FillCosts"/> (the
/// permutation test's), summed in binary64 along each diagonal in a fixed order, so the result is the
/// same on every machine.
/// </para>
/// </remarks>
internal static class ExpEditGammaBound
{
    /// <summary>The shortest block length searched after the halvings (a shorter text is one block).</summary>
    internal const int ShortestBlock = 32;

    private const double Ln10 = 2.302585092994045684017991454684364;

    /// <summary>The outcome: the best triple, its sum and pair count, and the Bonferroni-corrected log10 p-value.</summary>
    internal readonly record struct Outcome(double Sum, int Pairs, int BlockStart, int BlockLength, int Shift, double Log10PValue, long Tests);

    /// <summary>Runs the test over the costs of the real key (stream 0) in <paramref name="scratch"/>, filled for <paramref name="tokens"/>.</summary>
    internal static Outcome Test(ReadOnlySpan<int> tokens, ExpEditAlignment.Scratch scratch, int blockLength)
    {
        int length = tokens.Length;
        int n = scratch.KeyLength;
        int stride = scratch.Stride;
        float[] costs = scratch.Costs;
        Debug.Assert(length == scratch.TextLength && length > 0);

        Span<int> lengths = stackalloc int[32];
        lengths = lengths[..Lengths(length, blockLength, lengths)];
        int count = lengths.Length;
        long tests = Tests(length, blockLength, n);

        var best = new Outcome(0.0, 0, 0, lengths[0], 0, 0.0, tests);
        double bestLogQ = 0.0;

        // Blocks no longer than the key: every pair is distinct, m = L, and Q(L, s) falls with s, so
        // only the largest diagonal sum of each length matters. Prefix sums along one diagonal at a time.
        var prefix = new double[length + 1];
        Span<double> bestSum = stackalloc double[count];
        Span<int> bestStart = stackalloc int[count];
        Span<int> bestShift = stackalloc int[count];
        bestSum.Fill(double.NegativeInfinity);
        for (int d = 0; d < n; d++)
        {
            prefix[0] = 0.0;
            int row = d;
            for (int p = 0; p < length; p++)
            {
                prefix[p + 1] = prefix[p] - costs[(p * stride) + row];
                row = row + 1 == n ? 0 : row + 1;
            }

            for (int li = 0; li < count; li++)
            {
                int l = lengths[li];
                if (l > n)
                {
                    continue;
                }

                for (int b = 0; b + l <= length; b++)
                {
                    double s = prefix[b + l] - prefix[b];
                    if (s > bestSum[li])
                    {
                        bestSum[li] = s;
                        bestStart[li] = b;
                        bestShift[li] = (b + d) % n;
                    }
                }
            }
        }

        for (int li = 0; li < count; li++)
        {
            int l = lengths[li];
            if (l <= n)
            {
                Consider(bestSum[li], l, bestStart[li], l, bestShift[li]);
                continue;
            }

            // Longer than the key: a (position, token) pair can recur; count each once. Which tokens
            // count depends on the block, not on the shift: marked once per block.
            var first = new bool[l];
            for (int b = 0; b + l <= length; b++)
            {
                int pairs = 0;
                for (int i = 0; i < l; i++)
                {
                    first[i] = FirstOfPair(tokens, b, i, n);
                    pairs += first[i] ? 1 : 0;
                }

                for (int t = 0; t < n; t++)
                {
                    double s = 0.0;
                    int row = t;
                    for (int i = 0; i < l; i++)
                    {
                        if (first[i])
                        {
                            s -= costs[((b + i) * stride) + row];
                        }

                        row = row + 1 == n ? 0 : row + 1;
                    }

                    Consider(s, pairs, b, l, t);
                }
            }
        }

        double log10P = Math.Min(0.0, (bestLogQ / Ln10) + Math.Log10(tests));
        return best with { Log10PValue = log10P };

        void Consider(double sum, int pairs, int start, int l, int shift)
        {
            double logQ = GammaDistribution.LogUpperTail(pairs, sum);
            if (logQ < bestLogQ || best.Pairs == 0)
            {
                bestLogQ = logQ;
                best = new Outcome(sum, pairs, start, l, shift, 0.0, tests);
            }
        }
    }

    /// <summary>The number T of (length, start, shift) triples searched in a text of <paramref name="length"/> tokens.</summary>
    internal static long Tests(int length, int blockLength, int keyLength)
    {
        Span<int> lengths = stackalloc int[32];
        long tests = 0;
        foreach (int l in lengths[..Lengths(length, blockLength, lengths)])
        {
            tests += (long)(length - l + 1) * keyLength;
        }

        return tests;
    }

    /// <summary>Writes the block lengths searched (min(block length, length), then halved while at least <see cref="ShortestBlock"/>) and returns their count.</summary>
    private static int Lengths(int length, int blockLength, Span<int> destination)
    {
        int count = 0;
        for (int l = Math.Min(blockLength, length); ; l /= 2)
        {
            destination[count++] = l;
            if (l / 2 < ShortestBlock)
            {
                return count;
            }
        }
    }

    /// <summary>Whether the block's i-th token is the first of its (key position, token) pair: no earlier token of the block a multiple of n before it is the same.</summary>
    private static bool FirstOfPair(ReadOnlySpan<int> tokens, int blockStart, int i, int n)
    {
        for (int e = i - n; e >= 0; e -= n)
        {
            if (tokens[blockStart + e] == tokens[blockStart + i])
            {
                return false;
            }
        }

        return true;
    }
}
