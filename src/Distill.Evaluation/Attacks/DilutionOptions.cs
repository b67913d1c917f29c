using System;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// The shape of a copy-paste dilution (<see cref="CopyPasteDilution"/>): the fraction of the
/// mixed document that is watermarked and the number of watermarked segments. Validated at
/// construction; immutable.
/// </summary>
/// <remarks>
/// Kirchenbauer et al., "On the Reliability of Watermarks for Large Language Models" (ICLR 2024),
/// §4 (the "CP-n-x%" attacks): n watermarked segments making up x% of a human document, with 10%,
/// 25% and 50% in 1 or 3 segments as the usual grid.
/// </remarks>
public sealed record DilutionOptions
{
    /// <summary>The largest number of segments.</summary>
    public const int MaxSegments = 64;

    /// <summary>Initializes the options.</summary>
    /// <param name="watermarkedFraction">The fraction of the output's tokens that are watermarked, strictly between 0 and 1.</param>
    /// <param name="segments">The number of watermarked segments, 1 to <see cref="MaxSegments"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (or NaN).</exception>
    public DilutionOptions(double watermarkedFraction, int segments = 1)
    {
        if (!(watermarkedFraction > 0 && watermarkedFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(watermarkedFraction), watermarkedFraction, "The watermarked fraction must be strictly between 0 and 1.");
        }

        if (segments is < 1 or > MaxSegments)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), segments, $"The number of segments must be between 1 and {MaxSegments}.");
        }

        WatermarkedFraction = watermarkedFraction;
        Segments = segments;
    }

    /// <summary>Gets the fraction of the output's tokens that are watermarked.</summary>
    public double WatermarkedFraction { get; }

    /// <summary>Gets the number of watermarked segments.</summary>
    public int Segments { get; }
}
