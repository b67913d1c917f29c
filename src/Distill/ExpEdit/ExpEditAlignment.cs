using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Distill.ExpEdit;

/// <summary>
/// The EXP-edit test statistic: the least cost of aligning a text block of length k with k
/// consecutive positions of a key stream (cyclically), by the Levenshtein recurrence with match cost
/// ln(1 - xi_j[y_i]) and insertion and deletion cost gamma, minimized over every block and every
/// shift (the reference's <c>gumbel_levenshtein</c> inside <c>phi</c>, jthickstun/watermark).
/// </summary>
/// <remarks>
/// The costs of one key stream are laid out per text position, over the key positions extended
/// cyclically, so that 32 consecutive shifts read 32 consecutive floats: the dynamic programme runs
/// 32 shifts at once in vector lanes (two 512-bit or four 256-bit vectors, whose independent
/// dependency chains hide the latency of min and add). All arithmetic is binary32 min and add in the
/// same order in every path, so the vector and scalar paths give identical bits.
/// </remarks>
[SkipLocalsInit]
internal static class ExpEditAlignment
{
    /// <summary>The number of shifts computed together.</summary>
    internal const int Lanes = 32;

    /// <summary>Where the best alignment lies, and its cost.</summary>
    internal readonly record struct Best(float Cost, int BlockStart, int Shift);

    /// <summary>Per-thread buffers for one text shape (length, block length, key length).</summary>
    internal sealed class Scratch
    {
        public Scratch(int textLength, int blockLength, int keyLength)
        {
            TextLength = textLength;
            BlockLength = blockLength;
            KeyLength = keyLength;
            ShiftSpan = (keyLength + Lanes - 1) / Lanes * Lanes;
            Stride = ((ShiftSpan + blockLength + 15) / 16) * 16;
            RowSeeds = new ulong[keyLength];
            Column = new double[keyLength];
            Costs = new float[checked(textLength * Stride)];
            State = new float[(blockLength + 1) * Lanes];
        }

        public int TextLength { get; }

        public int BlockLength { get; }

        public int KeyLength { get; }

        /// <summary>The shifts computed: the key length rounded up to whole lane groups (the extra lanes repeat shifts mod n).</summary>
        public int ShiftSpan { get; }

        /// <summary>Floats per text position in <see cref="Costs"/>: key positions 0 .. ShiftSpan + k, cyclic.</summary>
        public int Stride { get; }

        public ulong[] RowSeeds { get; }

        public double[] Column { get; }

        public float[] Costs { get; }

        public float[] State { get; }
    }

    /// <summary>Fills <see cref="Scratch.Costs"/> with ln(1 - xi_{t mod n}[y_c]) of key stream <paramref name="stream"/>.</summary>
    internal static void FillCosts(in ExpEditKeySequence key, long stream, ReadOnlySpan<int> tokens, Scratch scratch)
    {
        Debug.Assert(tokens.Length == scratch.TextLength);
        int n = scratch.KeyLength;
        int stride = scratch.Stride;
        key.RowSeeds(stream, scratch.RowSeeds);
        Span<double> column = scratch.Column;
        for (int c = 0; c < tokens.Length; c++)
        {
            Span<float> row = scratch.Costs.AsSpan(c * stride, stride);
            int earlier = tokens[..c].IndexOf(tokens[c]);
            if (earlier >= 0)
            {
                // A repeated token has the same costs: copy them.
                scratch.Costs.AsSpan(earlier * stride, stride).CopyTo(row);
                continue;
            }

            ExpEditKeySequence.OneMinusUniforms(scratch.RowSeeds, tokens[c], column);
            for (int j = 0; j < n; j++)
            {
                row[j] = (float)Math.Log(column[j]);
            }

            for (int t = n; t < stride; t++)
            {
                row[t] = row[t % n];
            }
        }
    }

    /// <summary>The statistic over every block (every <paramref name="blockStride"/>-th start, and the last) and every shift of the costs in <paramref name="scratch"/>.</summary>
    internal static Best Minimize(Scratch scratch, float gamma, bool vectorize = true, int blockStride = 1)
    {
        int k = scratch.BlockLength;
        int blocks = scratch.TextLength - k + 1;
        var best = new Best(float.PositiveInfinity, 0, 0);
        Span<float> finals = stackalloc float[Lanes];
        for (int i = 0; i < blocks; i = i == blocks - 1 ? blocks : Math.Min(i + blockStride, blocks - 1))
        {
            for (int s0 = 0; s0 < scratch.KeyLength; s0 += Lanes)
            {
                if (vectorize && Vector512.IsHardwareAccelerated)
                {
                    if (gamma == 0f)
                    {
                        Block512<Free>(scratch, i, s0, 0f, finals);
                    }
                    else
                    {
                        Block512<Penalized>(scratch, i, s0, gamma, finals);
                    }
                }
                else if (vectorize && Vector256.IsHardwareAccelerated)
                {
                    Block256(scratch, i, s0, gamma, finals);
                }
                else
                {
                    BlockScalar(scratch, i, s0, gamma, finals);
                }

                int lanes = Math.Min(Lanes, scratch.KeyLength - s0);
                for (int l = 0; l < lanes; l++)
                {
                    if (finals[l] < best.Cost)
                    {
                        best = new Best(finals[l], i, s0 + l);
                    }
                }
            }
        }

        return best;
    }

    private interface IPenalty;

    private readonly struct Free : IPenalty;

    private readonly struct Penalized : IPenalty;

    private static void Block512<TPenalty>(Scratch scratch, int blockStart, int s0, float gamma, Span<float> finals)
        where TPenalty : struct, IPenalty
    {
        int k = scratch.BlockLength;
        ref float state = ref MemoryMarshal.GetArrayDataReference(scratch.State);
        ref float costs = ref MemoryMarshal.GetArrayDataReference(scratch.Costs);
        Vector512<float> g = Vector512.Create(gamma);
        for (int r = 0; r <= k; r++)
        {
            Vector512<float> edge = Vector512.Create(r * gamma);
            edge.StoreUnsafe(ref state, (nuint)(r * Lanes));
            edge.StoreUnsafe(ref state, (nuint)((r * Lanes) + 16));
        }

        for (int c = 1; c <= k; c++)
        {
            ref float column = ref Unsafe.Add(ref costs, ((blockStart + c - 1) * scratch.Stride) + s0);
            Vector512<float> diag0 = Vector512.LoadUnsafe(ref state, 0);
            Vector512<float> diag1 = Vector512.LoadUnsafe(ref state, 16);
            Vector512<float> up0 = Vector512.Create(c * gamma);
            Vector512<float> up1 = up0;
            up0.StoreUnsafe(ref state, 0);
            up1.StoreUnsafe(ref state, 16);
            for (int r = 1; r <= k; r++)
            {
                nuint at = (nuint)(r * Lanes);
                Vector512<float> old0 = Vector512.LoadUnsafe(ref state, at);
                Vector512<float> old1 = Vector512.LoadUnsafe(ref state, at + 16);
                Vector512<float> cost0 = Vector512.LoadUnsafe(ref column, (nuint)(r - 1));
                Vector512<float> cost1 = Vector512.LoadUnsafe(ref column, (nuint)(r - 1 + 16));
                // min(min(old, up) + g, diag + cost) = min(up + g, min(old + g, diag + cost)) exactly
                // (rounding is monotone), and only the outer min waits for the previous row.
                if (typeof(TPenalty) == typeof(Penalized))
                {
                    up0 = Vector512.MinNative(up0 + g, Vector512.MinNative(old0 + g, diag0 + cost0));
                    up1 = Vector512.MinNative(up1 + g, Vector512.MinNative(old1 + g, diag1 + cost1));
                }
                else
                {
                    up0 = Vector512.MinNative(up0, Vector512.MinNative(old0, diag0 + cost0));
                    up1 = Vector512.MinNative(up1, Vector512.MinNative(old1, diag1 + cost1));
                }

                diag0 = old0;
                diag1 = old1;
                up0.StoreUnsafe(ref state, at);
                up1.StoreUnsafe(ref state, at + 16);
            }
        }

        scratch.State.AsSpan(k * Lanes, Lanes).CopyTo(finals);
    }

    private static void Block256(Scratch scratch, int blockStart, int s0, float gamma, Span<float> finals)
    {
        int k = scratch.BlockLength;
        ref float state = ref MemoryMarshal.GetArrayDataReference(scratch.State);
        ref float costs = ref MemoryMarshal.GetArrayDataReference(scratch.Costs);
        Vector256<float> g = Vector256.Create(gamma);
        for (int r = 0; r <= k; r++)
        {
            Vector256<float> edge = Vector256.Create(r * gamma);
            for (int q = 0; q < Lanes; q += 8)
            {
                edge.StoreUnsafe(ref state, (nuint)((r * Lanes) + q));
            }
        }

        for (int c = 1; c <= k; c++)
        {
            ref float column = ref Unsafe.Add(ref costs, ((blockStart + c - 1) * scratch.Stride) + s0);
            Vector256<float> diag0 = Vector256.LoadUnsafe(ref state, 0);
            Vector256<float> diag1 = Vector256.LoadUnsafe(ref state, 8);
            Vector256<float> diag2 = Vector256.LoadUnsafe(ref state, 16);
            Vector256<float> diag3 = Vector256.LoadUnsafe(ref state, 24);
            Vector256<float> up0 = Vector256.Create(c * gamma), up1 = up0, up2 = up0, up3 = up0;
            up0.StoreUnsafe(ref state, 0);
            up0.StoreUnsafe(ref state, 8);
            up0.StoreUnsafe(ref state, 16);
            up0.StoreUnsafe(ref state, 24);
            for (int r = 1; r <= k; r++)
            {
                nuint at = (nuint)(r * Lanes);
                nuint ct = (nuint)(r - 1);
                Vector256<float> old0 = Vector256.LoadUnsafe(ref state, at);
                Vector256<float> old1 = Vector256.LoadUnsafe(ref state, at + 8);
                Vector256<float> old2 = Vector256.LoadUnsafe(ref state, at + 16);
                Vector256<float> old3 = Vector256.LoadUnsafe(ref state, at + 24);
                up0 = Vector256.MinNative(up0 + g, Vector256.MinNative(old0 + g, diag0 + Vector256.LoadUnsafe(ref column, ct)));
                up1 = Vector256.MinNative(up1 + g, Vector256.MinNative(old1 + g, diag1 + Vector256.LoadUnsafe(ref column, ct + 8)));
                up2 = Vector256.MinNative(up2 + g, Vector256.MinNative(old2 + g, diag2 + Vector256.LoadUnsafe(ref column, ct + 16)));
                up3 = Vector256.MinNative(up3 + g, Vector256.MinNative(old3 + g, diag3 + Vector256.LoadUnsafe(ref column, ct + 24)));
                diag0 = old0;
                diag1 = old1;
                diag2 = old2;
                diag3 = old3;
                up0.StoreUnsafe(ref state, at);
                up1.StoreUnsafe(ref state, at + 8);
                up2.StoreUnsafe(ref state, at + 16);
                up3.StoreUnsafe(ref state, at + 24);
            }
        }

        scratch.State.AsSpan(k * Lanes, Lanes).CopyTo(finals);
    }

    /// <summary>The reference recurrence, one shift at a time (the specification the vector paths must match bit for bit).</summary>
    private static void BlockScalar(Scratch scratch, int blockStart, int s0, float gamma, Span<float> finals)
    {
        int k = scratch.BlockLength;
        Span<float> a = scratch.State.AsSpan(0, k + 1);
        for (int l = 0; l < Lanes; l++)
        {
            for (int r = 0; r <= k; r++)
            {
                a[r] = r * gamma;
            }

            for (int c = 1; c <= k; c++)
            {
                ReadOnlySpan<float> column = scratch.Costs.AsSpan(((blockStart + c - 1) * scratch.Stride) + s0 + l);
                float diag = a[0];
                float up = c * gamma;
                a[0] = up;
                for (int r = 1; r <= k; r++)
                {
                    float old = a[r];
                    // The recurrence min(min(old, up) + gamma, diag + cost), in the order the vector paths use.
                    up = Math.Min(up + gamma, Math.Min(old + gamma, diag + column[r - 1]));
                    diag = old;
                    a[r] = up;
                }
            }

            finals[l] = a[k];
        }
    }
}
