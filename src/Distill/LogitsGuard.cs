using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Distill;

/// <summary>The checks every scheme makes before touching a logits span, so that bad input changes nothing.</summary>
internal static class LogitsGuard
{
    public static void Validate(ReadOnlySpan<float> logits, int vocabularySize, string paramName)
    {
        if (logits.Length != vocabularySize)
        {
            throw new ArgumentException($"The logits span has {logits.Length} elements, but the vocabulary has {vocabularySize} tokens.", paramName);
        }

        int bad = IndexOfNaNOrPositiveInfinity(logits);
        if (bad >= 0)
        {
            string what = float.IsNaN(logits[bad]) ? "NaN" : "positive infinity";
            throw new ArgumentException($"The logits contain {what} (first at index {bad}); nothing was changed.", paramName);
        }
    }

    /// <summary>
    /// Returns the index of the first NaN or positive infinity, or -1. Works on the bits: with the
    /// sign cleared, NaN is above 0x7F800000 and positive infinity is 0x7F800000 with the sign clear;
    /// negative infinity (a masked logit) is allowed. One read-only vector pass, no branches per element.
    /// </summary>
    internal static int IndexOfNaNOrPositiveInfinity(ReadOnlySpan<float> logits)
    {
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(logits);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && bits.Length >= Vector512<int>.Count)
        {
            ref int start = ref MemoryMarshal.GetReference(bits);
            Vector512<int> magnitude = Vector512.Create(0x7FFFFFFF);
            Vector512<int> infinity = Vector512.Create(0x7F800000);
            int last = bits.Length - Vector512<int>.Count;
            for (; i <= last; i += Vector512<int>.Count)
            {
                Vector512<int> v = Vector512.LoadUnsafe(ref start, (nuint)i);
                if ((Vector512.GreaterThan(v & magnitude, infinity) | Vector512.Equals(v, infinity)) != Vector512<int>.Zero)
                {
                    break;
                }
            }
        }
        else if (Vector.IsHardwareAccelerated && bits.Length >= Vector<int>.Count)
        {
            ref int start = ref MemoryMarshal.GetReference(bits);
            var magnitude = new Vector<int>(0x7FFFFFFF);
            var infinity = new Vector<int>(0x7F800000);
            int last = bits.Length - Vector<int>.Count;
            for (; i <= last; i += Vector<int>.Count)
            {
                Vector<int> v = Vector.LoadUnsafe(ref start, (nuint)i);
                if ((Vector.GreaterThan(v & magnitude, infinity) | Vector.Equals(v, infinity)) != Vector<int>.Zero)
                {
                    break;
                }
            }
        }

        // The scalar tail, or the vector that held a bad value.
        for (; i < bits.Length; i++)
        {
            int magnitude = bits[i] & 0x7FFFFFFF;
            if (magnitude > 0x7F800000 || bits[i] == 0x7F800000)
            {
                return i;
            }
        }

        return -1;
    }

    public static void ValidateTokens(ReadOnlySpan<int> tokens, int vocabularySize, string paramName)
    {
        if (tokens.IsEmpty)
        {
            return;
        }

        if (TensorPrimitives.Min(tokens) < 0 || TensorPrimitives.Max(tokens) >= vocabularySize)
        {
            int index = tokens.IndexOfAnyExceptInRange(0, vocabularySize - 1);
            throw new ArgumentOutOfRangeException(paramName, tokens[index], $"Token id {tokens[index]} at index {index} is outside the vocabulary (0 to {vocabularySize - 1}).");
        }
    }

    public static void ValidateToken(int token, int vocabularySize, string paramName)
    {
        // Not (uint)token >= (uint)vocabularySize: the build checks arithmetic, so that cast throws
        // OverflowException for a negative token instead of reaching the range check.
        if (token < 0 || token >= vocabularySize)
        {
            throw new ArgumentOutOfRangeException(paramName, token, $"Token id {token} is outside the vocabulary (0 to {vocabularySize - 1}).");
        }
    }
}
