using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Distill.Prf;

namespace Distill.GreenList;

/// <summary>
/// The O(vocabulary) pass of LeftHash: adds delta to every token whose green value under the seed
/// is below the threshold. Integer arithmetic decides greenness and each logit gets either
/// <c>x + delta</c> or stays <c>x</c> bit for bit (negative zero included), so every vector width
/// and the scalar path produce identical bits.
/// </summary>
[SkipLocalsInit]
internal static class GreenBias
{
    public static void Apply(Span<float> logits, ulong seed, uint threshold, float delta, bool allowVectors = true) =>
        ApplyRange(logits, seed, 0, threshold, delta, allowVectors);

    /// <summary>
    /// Adds delta to every token whose green value x has <c>x - offset &lt; width</c> (unsigned, modulo
    /// 2^32): the tokens of one slice <c>[offset, offset + width)</c> of the green values.
    /// </summary>
    public static void ApplyRange(Span<float> logits, ulong seed, uint offset, uint width, float delta, bool allowVectors = true)
    {
        int i = 0;
        if (allowVectors && Vector512.IsHardwareAccelerated && logits.Length >= Vector512<float>.Count)
        {
            i = Apply512(logits, seed, offset, width, delta);
        }
        else if (allowVectors && Vector.IsHardwareAccelerated && logits.Length >= Vector<float>.Count)
        {
            i = ApplyVector(logits, seed, offset, width, delta);
        }

        for (; i < logits.Length; i++)
        {
            if (unchecked(PrfV1.GreenValue(seed, i) - offset) < width)
            {
                logits[i] += delta;
            }
        }
    }

    private static int Apply512(Span<float> logits, ulong seed, uint offset, uint threshold, float delta)
    {
        ref float start = ref MemoryMarshal.GetReference(logits);
        Vector512<uint> lo = Vector512.Create(unchecked((uint)seed));
        Vector512<uint> hi = Vector512.Create((uint)(seed >> 32));
        Vector512<uint> mul1 = Vector512.Create(PrfV1.GreenMul1);
        Vector512<uint> mul2 = Vector512.Create(PrfV1.GreenMul2);
        Vector512<uint> limit = Vector512.Create(threshold);
        Vector512<uint> start0 = Vector512.Create(offset);
        Vector512<uint> step = Vector512.Create((uint)Vector512<uint>.Count);
        Vector512<float> bias = Vector512.Create(delta);
        Vector512<uint> ids = Vector512<uint>.Indices;
        int i = 0;

        // Two independent vectors per iteration keep both multiply pipes busy.
        int last2 = logits.Length - (2 * Vector512<float>.Count);
        Vector512<uint> half = Vector512.Create((uint)Vector512<uint>.Count);
        for (; i <= last2; i += 2 * Vector512<float>.Count)
        {
            Vector512<uint> x = ids ^ lo;
            Vector512<uint> y = (ids + half) ^ lo;
            x ^= Vector512.ShiftRightLogical(x, 16);
            y ^= Vector512.ShiftRightLogical(y, 16);
            x *= mul1;
            y *= mul1;
            x ^= Vector512.ShiftRightLogical(x, 15);
            y ^= Vector512.ShiftRightLogical(y, 15);
            x ^= hi;
            y ^= hi;
            x *= mul2;
            y *= mul2;
            x ^= Vector512.ShiftRightLogical(x, 15);
            y ^= Vector512.ShiftRightLogical(y, 15);
            Vector512<float> v = Vector512.LoadUnsafe(ref start, (nuint)i);
            Vector512<float> w = Vector512.LoadUnsafe(ref start, (nuint)(i + Vector512<float>.Count));
            Vector512.ConditionalSelect(Vector512.LessThan(x - start0, limit).AsSingle(), v + bias, v).StoreUnsafe(ref start, (nuint)i);
            Vector512.ConditionalSelect(Vector512.LessThan(y - start0, limit).AsSingle(), w + bias, w).StoreUnsafe(ref start, (nuint)(i + Vector512<float>.Count));
            ids += step + step;
        }

        int last = logits.Length - Vector512<float>.Count;
        for (; i <= last; i += Vector512<float>.Count)
        {
            Vector512<uint> x = ids ^ lo;
            x ^= Vector512.ShiftRightLogical(x, 16);
            x *= mul1;
            x ^= Vector512.ShiftRightLogical(x, 15);
            x ^= hi;
            x *= mul2;
            x ^= Vector512.ShiftRightLogical(x, 15);
            Vector512<float> green = Vector512.LessThan(x - start0, limit).AsSingle();
            Vector512<float> v = Vector512.LoadUnsafe(ref start, (nuint)i);
            Vector512.ConditionalSelect(green, v + bias, v).StoreUnsafe(ref start, (nuint)i);
            ids += step;
        }

        return i;
    }

    private static int ApplyVector(Span<float> logits, ulong seed, uint offset, uint threshold, float delta)
    {
        Span<uint> indices = stackalloc uint[Vector<uint>.Count];
        for (int j = 0; j < indices.Length; j++)
        {
            indices[j] = (uint)j;
        }

        ref float start = ref MemoryMarshal.GetReference(logits);
        var lo = new Vector<uint>(unchecked((uint)seed));
        var hi = new Vector<uint>((uint)(seed >> 32));
        var mul1 = new Vector<uint>(PrfV1.GreenMul1);
        var mul2 = new Vector<uint>(PrfV1.GreenMul2);
        var limit = new Vector<uint>(threshold);
        var start0 = new Vector<uint>(offset);
        var step = new Vector<uint>((uint)Vector<uint>.Count);
        var bias = new Vector<float>(delta);
        var ids = new Vector<uint>(indices);
        int last = logits.Length - Vector<float>.Count;
        int i = 0;
        for (; i <= last; i += Vector<float>.Count)
        {
            Vector<uint> x = ids ^ lo;
            x ^= Vector.ShiftRightLogical(x, 16);
            x *= mul1;
            x ^= Vector.ShiftRightLogical(x, 15);
            x ^= hi;
            x *= mul2;
            x ^= Vector.ShiftRightLogical(x, 15);
            Vector<float> green = Vector.AsVectorSingle(Vector.LessThan(x - start0, limit));
            Vector<float> v = Vector.LoadUnsafe(ref start, (nuint)i);
            Vector.ConditionalSelect(green, v + bias, v).StoreUnsafe(ref start, (nuint)i);
            ids += step;
        }

        return i;
    }
}
