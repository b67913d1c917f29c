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
    /// Returns the index of the first NaN or positive infinity, or -1. One ordered comparison decides
    /// each element: <c>x &lt; +infinity</c> is false exactly for NaN and positive infinity, and true for
    /// negative infinity (a masked logit, allowed) and every finite value. Read-only, one vector pass.
    /// </summary>
    internal static int IndexOfNaNOrPositiveInfinity(ReadOnlySpan<float> logits)
    {
        int i = 0;
        ref float start = ref MemoryMarshal.GetReference(logits);
        if (Vector512.IsHardwareAccelerated && logits.Length >= Vector512<float>.Count)
        {
            Vector512<float> infinity = Vector512.Create(float.PositiveInfinity);
            int last4 = logits.Length - (4 * Vector512<float>.Count);
            for (; i <= last4; i += 4 * Vector512<float>.Count)
            {
                Vector512<float> ok =
                    Vector512.LessThan(Vector512.LoadUnsafe(ref start, (nuint)i), infinity)
                    & Vector512.LessThan(Vector512.LoadUnsafe(ref start, (nuint)(i + Vector512<float>.Count)), infinity)
                    & Vector512.LessThan(Vector512.LoadUnsafe(ref start, (nuint)(i + (2 * Vector512<float>.Count))), infinity)
                    & Vector512.LessThan(Vector512.LoadUnsafe(ref start, (nuint)(i + (3 * Vector512<float>.Count))), infinity);
                if (ok.AsInt32() != Vector512<int>.AllBitsSet)
                {
                    break;
                }
            }
        }
        else if (Vector.IsHardwareAccelerated && logits.Length >= Vector<float>.Count)
        {
            var infinity = new Vector<float>(float.PositiveInfinity);
            int last = logits.Length - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                if (!Vector.LessThanAll(Vector.LoadUnsafe(ref start, (nuint)i), infinity))
                {
                    break;
                }
            }
        }

        // The scalar tail, or the block that held a bad value.
        for (; i < logits.Length; i++)
        {
            if (!(logits[i] < float.PositiveInfinity))
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
