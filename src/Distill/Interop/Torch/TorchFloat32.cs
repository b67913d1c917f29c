using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Distill.Interop;

/// <summary>
/// The float32 arithmetic of PyTorch 1.13's CPU kernels (AVX2 dispatch, one thread) that
/// transformers' SynthID-Text processor runs, in the same order, so that its outputs are reproduced
/// to the bit: <c>torch.softmax</c> over the last dimension, <c>Tensor.sum</c> (the cascade sum) and
/// the SLEEF <c>expf</c> that both use.
/// </summary>
/// <remarks>
/// <para>
/// Softmax (<c>_vec_softmax_lastdim</c>): the maximum; <c>e = exp(x - max)</c>; their sum by
/// <c>vec::reduce_all</c> (8 lane accumulators, lanes reduced by the AVX2 shuffle tree
/// ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))); then <c>e * (1 / sum)</c>.
/// </para>
/// <para>
/// Sum (<c>cascade_sum</c>, contiguous inner reduction): the row is read as 8-float vectors in
/// groups of 4; a 4-level cascade of accumulators (level step 2^max(4, ceil(log2 groups) / 4)) sums
/// the groups; leftover vectors are added to the first accumulator, then accumulators 1..3; the
/// scalar tail (length mod 8) is summed first and the 8 lanes added to it in order.
/// </para>
/// <para>
/// Above 32768 elements torch may split a reduction across threads (its grain size), so the order
/// here is torch's with one thread (<c>torch.set_num_threads(1)</c>).
/// </para>
/// </remarks>
internal static class TorchFloat32
{
    private const float Log2E = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private const float Ln2Upper = 0.693145751953125f;
    private const float Ln2Lower = 1.428606765330187045e-06f;

    /// <summary>SLEEF's <c>expf</c> (u10, FMA), as <c>Vectorized&lt;float&gt;::exp</c> on AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float d)
    {
        if (d < -104f)
        {
            return 0f;
        }

        if (d > 100f)
        {
            return float.PositiveInfinity;
        }

        if (float.IsNaN(d))
        {
            return float.NaN;
        }

        int q = (int)MathF.Round(d * Log2E, MidpointRounding.ToEven);
        float s = MathF.FusedMultiplyAdd(q, -Ln2Upper, d);
        s = MathF.FusedMultiplyAdd(q, -Ln2Lower, s);
        float u = 0.000198527617612853646278381f;
        u = MathF.FusedMultiplyAdd(u, s, 0.00139304355252534151077271f);
        u = MathF.FusedMultiplyAdd(u, s, 0.00833336077630519866943359f);
        u = MathF.FusedMultiplyAdd(u, s, 0.0416664853692054748535156f);
        u = MathF.FusedMultiplyAdd(u, s, 0.166666671633720397949219f);
        u = MathF.FusedMultiplyAdd(u, s, 0.5f);
        u = 1f + MathF.FusedMultiplyAdd(s * s, u, s);
        int half = q >> 1;
        return u * Pow2(half) * Pow2(q - half);
    }

    /// <summary>SLEEF's <c>logf</c> (u10, FMA, double-float arithmetic), as <c>Vectorized&lt;float&gt;::log</c> on AVX2.</summary>
    public static float Log(float d)
    {
        if (float.IsNaN(d) || d < 0f)
        {
            return float.NaN;
        }

        if (d == 0f)
        {
            return float.NegativeInfinity;
        }

        if (float.IsPositiveInfinity(d))
        {
            return float.PositiveInfinity;
        }

        bool tiny = d < 1.17549435e-38f;
        if (tiny)
        {
            d *= 18446744073709551616f;
        }

        int e = ((BitConverter.SingleToInt32Bits(d * (1.0f / 0.75f)) >> 23) & 0xff) - 0x7f;
        float m = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(d) - (e << 23));
        if (tiny)
        {
            e -= 64;
        }

        // s = (ln 2 as a double-float) * e
        float sx = 0.69314718246459960938f * e;
        float sy = MathF.FusedMultiplyAdd(-1.904654323148236017e-09f, e, MathF.FusedMultiplyAdd(0.69314718246459960938f, e, -sx));

        // x = (m - 1) / (m + 1) in double-float
        (float nx, float ny) = Add2(-1f, m);
        (float dx, float dy) = Add2(1f, m);
        float t = 1f / dx;
        float qx = nx * t;
        float u = MathF.FusedMultiplyAdd(t, nx, -qx);
        float v = MathF.FusedMultiplyAdd(-dy, t, MathF.FusedMultiplyAdd(-dx, t, 1f));
        float xx = qx, xy = MathF.FusedMultiplyAdd(qx, v, MathF.FusedMultiplyAdd(ny, t, u));

        float x2 = xx * xx;
        float poly = 0.3027294874f;
        poly = MathF.FusedMultiplyAdd(poly, x2, 0.3996108174f);
        poly = MathF.FusedMultiplyAdd(poly, x2, 0.6666694880f);

        // s = s + 2x (double-float + double-float), then + x^3 poly (double-float + float)
        float bx = xx * 2f, by = xy * 2f;
        float rx = sx + bx;
        float ry = (((sx - rx) + bx) + sy) + by;
        float w = x2 * xx * poly;
        float fx = rx + w;
        float fy = ((rx - fx) + w) + ry;
        return fx + fy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float X, float Y) Add2(float x, float y)
    {
        float s = x + y;
        float v = s - x;
        return (s, (x - (s - v)) + (y - v));
    }

    /// <summary>torch.softmax over one row, written into <paramref name="output"/> (may be the input).</summary>
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output)
    {
        float max = float.NegativeInfinity;
        foreach (float x in input)
        {
            max = Math.Max(max, x);
        }

        for (int i = 0; i < input.Length; i++)
        {
            output[i] = Exp(input[i] - max);
        }

        float inverse = 1f / ReduceAllSum(output);
        for (int i = 0; i < output.Length; i++)
        {
            output[i] *= inverse;
        }
    }

    /// <summary><c>vec::reduce_all</c> with addition: 8 lane accumulators, the tail blended in, the AVX2 shuffle tree.</summary>
    public static float ReduceAllSum(ReadOnlySpan<float> data)
    {
        Span<float> lanes = stackalloc float[8];
        lanes.Clear();
        if (data.Length < 8)
        {
            data.CopyTo(lanes);
            return ShuffleTree(lanes, data.Length);
        }

        data[..8].CopyTo(lanes);
        int d = 8, full = data.Length - (data.Length % 8);
        Vector256<float> acc = Vector256.Create<float>(lanes);
        for (; d < full; d += 8)
        {
            acc += Vector256.Create<float>(data.Slice(d, 8));
        }

        acc.CopyTo(lanes);
        for (int k = 0; k < data.Length - d; k++)
        {
            lanes[k] += data[d + k];
        }

        return ShuffleTree(lanes, 8);
    }

    /// <summary>The sum of one contiguous row as <c>Tensor.sum</c> computes it (cascade_sum, vectorized inner sum).</summary>
    public static float CascadeSum(ReadOnlySpan<float> row)
    {
        int vectors = row.Length / 8;
        Vector256<float> total = RowSum(row, vectors);
        float final = 0f;
        for (int k = vectors * 8; k < row.Length; k++)
        {
            final += row[k];
        }

        for (int k = 0; k < 8; k++)
        {
            final += total[k];
        }

        return final;
    }

    /// <summary>The 8 lanes of <c>row_sum</c> over <paramref name="vectors"/> vectors (ilp factor 4).</summary>
    private static Vector256<float> RowSum(ReadOnlySpan<float> row, int vectors)
    {
        const int Rows = 4, Levels = 4;
        int groups = vectors / Rows;
        int levelPower = Math.Max(4, CeilLog2(groups) / Levels);
        int levelStep = 1 << levelPower;
        long levelMask = levelStep - 1;
        Span<Vector256<float>> acc = stackalloc Vector256<float>[Levels * Rows];
        acc.Clear();
        int i = 0;
        while (i + levelStep <= groups)
        {
            for (int j = 0; j < levelStep; j++, i++)
            {
                for (int k = 0; k < Rows; k++)
                {
                    acc[k] += Load(row, (i * Rows) + k);
                }
            }

            for (int j = 1; j < Levels; j++)
            {
                for (int k = 0; k < Rows; k++)
                {
                    acc[(j * Rows) + k] += acc[((j - 1) * Rows) + k];
                    acc[((j - 1) * Rows) + k] = Vector256<float>.Zero;
                }

                if ((i & (levelMask << (j * levelPower))) != 0)
                {
                    break;
                }
            }
        }

        for (; i < groups; i++)
        {
            for (int k = 0; k < Rows; k++)
            {
                acc[k] += Load(row, (i * Rows) + k);
            }
        }

        for (int j = 1; j < Levels; j++)
        {
            for (int k = 0; k < Rows; k++)
            {
                acc[k] += acc[(j * Rows) + k];
            }
        }

        for (int v = groups * Rows; v < vectors; v++)
        {
            acc[0] += Load(row, v);
        }

        for (int k = 1; k < Rows; k++)
        {
            acc[0] += acc[k];
        }

        return acc[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ReadOnlySpan<float> row, int vector) => Vector256.Create<float>(row.Slice(vector * 8, 8));

    private static int CeilLog2(int n)
    {
        int log = 0;
        long value = 1;
        while (value < n)
        {
            value <<= 1;
            log++;
        }

        return log;
    }

    /// <summary>The AVX2 <c>vec_reduce_all</c> tree over 8 lanes (unused lanes hold 0 when fewer are live).</summary>
    private static float ShuffleTree(ReadOnlySpan<float> lanes, int live)
    {
        if (live < 8)
        {
            // vec_reduce_all(op, loadu(data, size), size): lanes 1 .. size - 1 added to lane 0 in order.
            float acc = lanes[0];
            for (int i = 1; i < live; i++)
            {
                acc += lanes[i];
            }

            return acc;
        }

        float a0 = lanes[0] + lanes[4], a1 = lanes[1] + lanes[5], a2 = lanes[2] + lanes[6], a3 = lanes[3] + lanes[7];
        return (a0 + a2) + (a1 + a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Pow2(int q) => BitConverter.Int32BitsToSingle((q + 0x7f) << 23);
}
