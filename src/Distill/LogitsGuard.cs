using System;
using System.Numerics.Tensors;

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

        // Max is NaN when any element is NaN, and positive infinity when any element is.
        float max = TensorPrimitives.Max(logits);
        if (float.IsNaN(max))
        {
            throw new ArgumentException($"The logits contain NaN (first at index {logits.IndexOfAnyExceptInRange(float.NegativeInfinity, float.PositiveInfinity)}).", paramName);
        }

        if (float.IsPositiveInfinity(max))
        {
            throw new ArgumentException($"The logits contain positive infinity (first at index {logits.IndexOf(float.PositiveInfinity)}).", paramName);
        }
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
