using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Distill.Prf;

namespace Distill.ExpEdit;

/// <summary>
/// The keyed uniforms of EXP-edit, specified bit for bit in <c>docs/schemes/exp-edit.md</c>: for key
/// stream r (0 is the real key, r &gt;= 1 the r-th fresh key of the permutation test), position j of
/// the key sequence and token v, a 64-bit word w(r, j, v) and the uniform xi = 1 - (m + 1/2) 2^-52
/// with m = w &gt;&gt; 12.
/// </summary>
/// <remarks>
/// sigma_r = Mix64(Mix64(r XOR k0) XOR k1); rho_{r,j} = Mix64(Mix64(sigma_r XOR j) XOR k2);
/// w = Mix64(rho_{r,j} + (v + 1) * 0x9E3779B97F4A7C15), all modulo 2^64, with (k0, k1, k2, k3) the
/// words of the sub-key <c>scheme/exp-edit/v1</c> (k3 is not used). The uniform is never 0 or 1, and
/// 1 - xi = (m + 1/2) 2^-52 is exact in binary64, so the detection cost ln(1 - xi) keeps its precision
/// where the watermark puts it (xi close to 1).
/// </remarks>
internal readonly struct ExpEditKeySequence
{
    internal const ulong Golden = 0x9E3779B97F4A7C15UL;

    private const double TwoToMinus52 = 1.0 / 4503599627370496.0;

    private readonly ulong _k0;
    private readonly ulong _k1;
    private readonly ulong _k2;

    internal ExpEditKeySequence(WatermarkKey subKey)
    {
        subKey.GetWords(out _k0, out _k1, out _k2, out _);
    }

    /// <summary>sigma_r: the seed of key stream <paramref name="stream"/>.</summary>
    internal ulong StreamSeed(long stream) => PrfV1.Mix64(PrfV1.Mix64(unchecked((ulong)stream) ^ _k0) ^ _k1);

    /// <summary>rho_{r,j}: the seed of position <paramref name="position"/> of a stream.</summary>
    internal ulong RowSeed(ulong streamSeed, int position) => PrfV1.Mix64(PrfV1.Mix64(streamSeed ^ (ulong)position) ^ _k2);

    /// <summary>Writes rho_{r,j} for j = 0 .. destination.Length - 1.</summary>
    internal void RowSeeds(long stream, Span<ulong> destination)
    {
        ulong sigma = StreamSeed(stream);
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] = RowSeed(sigma, j);
        }
    }

    /// <summary>w(r, j, v) from the row seed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Word(ulong rowSeed, int token) => PrfV1.Mix64(unchecked(rowSeed + (((ulong)(uint)token + 1UL) * Golden)));

    /// <summary>The uniform xi in (0, 1) of a word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Uniform(ulong word) => 1.0 - (((word >> 12) + 0.5) * TwoToMinus52);

    /// <summary>1 - xi of a word, exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double OneMinusUniform(ulong word) => ((word >> 12) + 0.5) * TwoToMinus52;

    /// <summary>The detection cost ln(1 - xi) rounded to binary32 (negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Cost(ulong word) => (float)Math.Log(OneMinusUniform(word));

    /// <summary>
    /// Writes the words of one token at every position: destination[j] = 1 - xi_j[token] for key
    /// stream rows <paramref name="rowSeeds"/> (vectorized over j; identical bits to <see cref="Word"/>).
    /// </summary>
    internal static void OneMinusUniforms(ReadOnlySpan<ulong> rowSeeds, int token, Span<double> destination)
    {
        ulong add = unchecked(((ulong)(uint)token + 1UL) * Golden);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref ulong seeds = ref MemoryMarshal.GetReference(rowSeeds);
            ref double dst = ref MemoryMarshal.GetReference(destination);
            Vector512<ulong> a = Vector512.Create(add);
            for (; j <= rowSeeds.Length - Vector512<ulong>.Count; j += Vector512<ulong>.Count)
            {
                Vector512<ulong> w = Mix64(Vector512.LoadUnsafe(ref seeds, (nuint)j) + a);
                Vector512<double> m = Vector512.ConvertToDouble(Vector512.ShiftRightLogical(w, 12));
                ((m + Vector512.Create(0.5)) * Vector512.Create(TwoToMinus52)).StoreUnsafe(ref dst, (nuint)j);
            }
        }

        for (; j < rowSeeds.Length; j++)
        {
            destination[j] = OneMinusUniform(Word(rowSeeds[j], token));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> Mix64(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Mix64(Vector256<ulong> z)
    {
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }
}
