using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Distill.ExpEdit;

/// <summary>
/// The EXP token choice: argmax over the finite logits of xi_v^(1/p_v), p the softmax of the logits,
/// computed as the argmin of ln(-ln xi_v) - logit_v (the same order; ties to the lowest id).
/// </summary>
/// <remarks>
/// One pass over the vocabulary in chunks that stay in the first-level cache: the keyed words
/// (vectorized SplitMix64 finalizer), the uniforms in binary64, -ln xi in binary64 (it keeps its
/// precision for xi close to 1, where the race is decided), then ln in binary32 and the argmin.
/// Nothing is allocated.
/// </remarks>
[SkipLocalsInit]
internal static class ExpEditSampler
{
    private const int ChunkLength = 512;

    private const double TwoToMinus52 = 1.0 / 4503599627370496.0;

    /// <summary>Returns the chosen token for row seed <paramref name="rowSeed"/>, or -1 when every logit is masked.</summary>
    internal static int Choose(ReadOnlySpan<float> logits, ulong rowSeed)
    {
        Span<double> uniforms = stackalloc double[ChunkLength];
        Span<float> scores = stackalloc float[ChunkLength];
        int best = -1;
        float bestScore = float.PositiveInfinity;
        for (int from = 0; from < logits.Length; from += ChunkLength)
        {
            int count = Math.Min(ChunkLength, logits.Length - from);
            Span<double> u = uniforms[..count];
            Span<float> s = scores[..count];
            Uniforms(rowSeed, from, u);

            // -ln(xi) in binary64, then ln of it in binary32, minus the logit: the Gumbel form of xi^(1/p).
            TensorPrimitives.Log(u, u);
            for (int i = 0; i < count; i++)
            {
                s[i] = (float)-u[i];
            }

            TensorPrimitives.Log(s, s);
            TensorPrimitives.Subtract(s, logits.Slice(from, count), s);
            int local = TensorPrimitives.IndexOfMin(s);
            float value = s[local];
            if (value < bestScore)
            {
                bestScore = value;
                best = from + local;
            }
        }

        return best;
    }

    /// <summary>xi_j[v] for v = from .. from + destination.Length - 1 (identical bits to <see cref="ExpEditKeySequence.Uniform"/>).</summary>
    internal static void Uniforms(ulong rowSeed, int from, Span<double> destination)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref double dst = ref MemoryMarshal.GetReference(destination);
            Vector512<ulong> step = Vector512.Create(unchecked((ulong)Vector512<ulong>.Count * ExpEditKeySequence.Golden));
            Vector512<ulong> x = Vector512.Create(rowSeed) + ((Vector512<ulong>.Indices + Vector512.Create((ulong)from + 1UL)) * Vector512.Create(ExpEditKeySequence.Golden));
            for (; i <= destination.Length - Vector512<ulong>.Count; i += Vector512<ulong>.Count)
            {
                Vector512<double> m = Vector512.ConvertToDouble(Vector512.ShiftRightLogical(ExpEditKeySequence.Mix64(x), 12));
                (Vector512<double>.One - ((m + Vector512.Create(0.5)) * Vector512.Create(TwoToMinus52))).StoreUnsafe(ref dst, (nuint)i);
                x += step;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ref double dst = ref MemoryMarshal.GetReference(destination);
            Vector256<ulong> step = Vector256.Create(unchecked((ulong)Vector256<ulong>.Count * ExpEditKeySequence.Golden));
            Vector256<ulong> x = Vector256.Create(rowSeed) + ((Vector256<ulong>.Indices + Vector256.Create((ulong)from + 1UL)) * Vector256.Create(ExpEditKeySequence.Golden));
            for (; i <= destination.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
            {
                Vector256<double> m = Vector256.ConvertToDouble(Vector256.ShiftRightLogical(ExpEditKeySequence.Mix64(x), 12));
                (Vector256<double>.One - ((m + Vector256.Create(0.5)) * Vector256.Create(TwoToMinus52))).StoreUnsafe(ref dst, (nuint)i);
                x += step;
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = ExpEditKeySequence.Uniform(ExpEditKeySequence.Word(rowSeed, from + i));
        }
    }
}
