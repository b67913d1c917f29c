using System;
using System.Globalization;

namespace Distill.Evaluation.Attacks;

/// <summary>A range of positions in a token stream: a start index and a length.</summary>
/// <remarks>Compare with the token indices of <see cref="Distill.Detection.WatermarkedSpan"/> to score localization.</remarks>
public readonly record struct TokenRange
{
    /// <summary>Initializes a range from a start index and a length.</summary>
    /// <param name="start">The index of the first token.</param>
    /// <param name="length">The number of tokens.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> or <paramref name="length"/> is negative, or their sum overflows.</exception>
    public TokenRange(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, int.MaxValue - start);
        Start = start;
        Length = length;
    }

    /// <summary>Gets the index of the first token.</summary>
    public int Start { get; }

    /// <summary>Gets the number of tokens.</summary>
    public int Length { get; }

    /// <summary>Gets the index just past the last token.</summary>
    public int End => Start + Length;

    /// <summary>Returns the range as <c>[start, end)</c>.</summary>
    /// <returns>The range in half-open interval notation.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Start}, {End})");
}
