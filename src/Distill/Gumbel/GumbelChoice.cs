using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Distill.Gumbel;

/// <summary>
/// The Gumbel-max choice of one step: the token x maximizing l_x - ln(-ln r_x) over the finite
/// logits (ties: the lowest id), that is the minimum of the key ln(-ln r_v) - l_v, evaluated with a
/// log-free filter so that only a few tokens per step need the two logarithms.
/// </summary>
/// <remarks>
/// <para>
/// A token can only win if its key is at most the best key found so far. Since -ln r = -ln(1 - q)
/// is at least q, and q = (2Q + 1) 2^-53 exceeds Q 2^-52 for Q = floor(~w / 2^12), its key is at
/// least ln(Q 2^-52) - l_v, which Mitchell's approximation bounds from below without a logarithm:
/// log2 Q is at least bits(Q as a double) / 2^52 - 1023 (with log2(1 + f) at least f on [0, 1]).
/// That bound, lowered by 2^-20 to absorb every rounding, is compared with the best key; only tokens
/// that pass are evaluated exactly. Starting from the key of the largest logit, the expected number
/// of exact evaluations is about 2 (1 + ln V) whatever the distribution.
/// </para>
/// <para>
/// Every path evaluates the same scalar <see cref="Key"/> on every token that could win and keeps
/// the exact minimum (ties: the lowest id), and no path drops a token that could win, so the
/// vectorized and scalar paths return the same token.
/// </para>
/// </remarks>
[SkipLocalsInit]
internal static class GumbelChoice
{
    /// <summary>ln 2 / 2^52: the scale of a double's bits as a base-2 logarithm, in nats.</summary>
    private const double BitsToLn = 0.69314718055994530941723212145818 / 4503599627370496.0;

    /// <summary>(1023 + 52) ln 2, plus 2^-20 of slack that covers the rounding of the bound and of <see cref="Key"/>.</summary>
    private const double BoundOffset = (1075.0 * 0.69314718055994530941723212145818) + (1.0 / 1048576.0);

    /// <summary>Whether the AVX-512 path may be used (it needs 64-bit multiplies and conversions); tests turn it off.</summary>
    internal static bool UseVector512 { get; set; } = Vector512.IsHardwareAccelerated && Avx512DQ.IsSupported;

    /// <summary>The exact key of a token: ln(-ln r_v) - l_v, in double precision (lower wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Key(ulong seed, int token, float logit) =>
        Math.Log(-Math.Log(GumbelPrf.Uniform(GumbelPrf.Word(seed, token)))) - logit;

    /// <summary>Makes <paramref name="logits"/> one-hot on <paramref name="token"/> (it keeps its logit, every other entry becomes negative infinity); nothing changes for a token of -1 (an unwatermarked step).</summary>
    internal static void KeepOnly(Span<float> logits, int token)
    {
        if (token < 0)
        {
            return;
        }

        float kept = logits[token];
        logits.Fill(float.NegativeInfinity);
        logits[token] = kept;
    }

    /// <summary>Chooses the token (see the type's remarks); -1 when every logit is negative infinity.</summary>
    /// <param name="logits">Validated logits (no NaN, no positive infinity).</param>
    /// <param name="seed">The step seed.</param>
    /// <returns>The chosen token id, or -1.</returns>
    internal static int Choose(ReadOnlySpan<float> logits, ulong seed)
    {
        int top = TensorPrimitives.IndexOfMax(logits);
        if (top < 0 || float.IsNegativeInfinity(logits[top]))
        {
            return -1;
        }

        int best = top;
        double bestKey = Key(seed, top, logits[top]);
        int i = 0;
        if (UseVector512)
        {
            i = ChooseVector512(logits, seed, ref best, ref bestKey);
        }

        ChooseScalar(logits, seed, i, ref best, ref bestKey);
        return best;
    }

    /// <summary>The reference: the exact key of every finite token, no filter.</summary>
    internal static int ChooseExhaustive(ReadOnlySpan<float> logits, ulong seed)
    {
        int best = -1;
        double bestKey = double.PositiveInfinity;
        for (int v = 0; v < logits.Length; v++)
        {
            if (float.IsNegativeInfinity(logits[v]))
            {
                continue;
            }

            double key = Key(seed, v, logits[v]);
            if (best < 0 || key < bestKey)
            {
                best = v;
                bestKey = key;
            }
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(ulong seed, int v, float logit, ref int best, ref double bestKey)
    {
        double key = Key(seed, v, logit);
        if (key < bestKey || (key == bestKey && v < best))
        {
            best = v;
            bestKey = key;
        }
    }

    private static void ChooseScalar(ReadOnlySpan<float> logits, ulong seed, int from, ref int best, ref double bestKey)
    {
        unchecked
        {
            for (int v = from; v < logits.Length; v++)
            {
                ulong q = ~GumbelPrf.Word(seed, v) >> 12;
                double bound = ((double)BitConverter.DoubleToInt64Bits((double)q) * BitsToLn) - BoundOffset;
                if (bound - logits[v] <= bestKey)
                {
                    Offer(seed, v, logits[v], ref best, ref bestKey);
                }
            }
        }
    }

    /// <summary>16 tokens per iteration; returns where the scalar tail starts.</summary>
    private static int ChooseVector512(ReadOnlySpan<float> logits, ulong seed, ref int best, ref double bestKey)
    {
        const int Width = 16;
        ref float start = ref MemoryMarshal.GetReference(logits);
        int last = logits.Length - Width;
        int i = 0;
        while (i <= last)
        {
            // The scan has no call in its loop, so its vectors stay in registers; the rare
            // candidates are evaluated out here, and the scan restarts after their block.
            i = Scan512(ref start, i, last, seed, bestKey, out ulong mask);
            if (mask == 0)
            {
                break;
            }

            do
            {
                int v = i + BitOperations.TrailingZeroCount(mask);
                Offer(seed, v, logits[v], ref best, ref bestKey);
                mask &= mask - 1;
            }
            while (mask != 0);

            i += Width;
        }

        return i;
    }

    /// <summary>
    /// Scans 16 tokens at a time from <paramref name="i"/> and returns the start of the first block with
    /// a token whose bound passes <paramref name="threshold"/> (its lanes in <paramref name="mask"/>),
    /// or the index after the last whole block (with a zero mask).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Scan512(ref float start, int i, int last, ulong seed, double threshold, out ulong mask)
    {
        unchecked
        {
            const int Width = 16;
            Vector512<ulong> stride = Vector512.Create(GumbelPrf.TokenStride);
            Vector512<ulong> low = Vector512.Create(seed + ((ulong)(uint)i * GumbelPrf.TokenStride)) + (Vector512<ulong>.Indices * stride);
            Vector512<ulong> high = low + Vector512.Create(8 * GumbelPrf.TokenStride);
            Vector512<ulong> step = Vector512.Create(Width * GumbelPrf.TokenStride);
            Vector512<double> scale = Vector512.Create(BitsToLn);
            Vector512<double> offset = Vector512.Create(BoundOffset);
            Vector512<double> limit = Vector512.Create(threshold);
            for (; i <= last; i += Width)
            {
                (Vector512<double> l0, Vector512<double> l1) = Vector512.Widen(Vector512.LoadUnsafe(ref start, (nuint)i));
                Vector512<double> b0 = Bound(low, scale, offset) - l0;
                Vector512<double> b1 = Bound(high, scale, offset) - l1;
                low += step;
                high += step;
                ulong found = Vector512.LessThanOrEqual(b0, limit).ExtractMostSignificantBits()
                    | (Vector512.LessThanOrEqual(b1, limit).ExtractMostSignificantBits() << 8);
                if (found != 0)
                {
                    mask = found;
                    return i;
                }
            }

            mask = 0;
            return i;
        }
    }

    /// <summary>The lower bound of ln(-ln r) for the 8 words Mix64(state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Bound(Vector512<ulong> z, Vector512<double> scale, Vector512<double> offset)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        z ^= Vector512.ShiftRightLogical(z, 31);
        Vector512<ulong> q = Vector512.ShiftRightLogical(~z, 12);
        Vector512<double> bits = Vector512.ConvertToDouble(Vector512.ConvertToDouble(q).AsInt64());
        return (bits * scale) - offset;
    }
}
