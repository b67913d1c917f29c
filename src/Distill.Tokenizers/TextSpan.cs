using System;

namespace Distill.Tokenizers;

/// <summary>A range of UTF-16 characters in a string: a start index and a length.</summary>
/// <remarks>
/// Used for token offsets, both into the normalized text a tokenizer saw and into the caller's
/// original text (see <see cref="NormalizedText.ToOriginalSpan(TextSpan)"/>).
/// </remarks>
public readonly record struct TextSpan
{
    /// <summary>Initializes a span from a start index and a length.</summary>
    /// <param name="start">The index of the first character.</param>
    /// <param name="length">The number of characters.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="start"/> or <paramref name="length"/> is negative, or their sum overflows.
    /// </exception>
    public TextSpan(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, int.MaxValue - start);
        Start = start;
        Length = length;
    }

    /// <summary>Gets the index of the first character.</summary>
    public int Start { get; }

    /// <summary>Gets the number of characters.</summary>
    public int Length { get; }

    /// <summary>Gets the index one past the last character (<see cref="Start"/> + <see cref="Length"/>).</summary>
    public int End => Start + Length;

    /// <summary>Creates a span from a start index and an exclusive end index.</summary>
    /// <param name="start">The index of the first character.</param>
    /// <param name="end">The index one past the last character.</param>
    /// <returns>The span <c>[start, end)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or <paramref name="end"/> is less than it.</exception>
    public static TextSpan FromBounds(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        return new TextSpan(start, end - start);
    }

    /// <summary>Returns the span as <c>[start, end)</c>, for diagnostics.</summary>
    /// <returns>A string such as <c>[3, 7)</c>.</returns>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Start}, {End})");
}
