using System;

namespace Distill.Detection;

/// <summary>Options of a detection, validated when each value is set.</summary>
public sealed record DetectionOptions
{
    private readonly int _minimumScoredTokens = 10;

    /// <summary>Gets the defaults: deduplication on, at least 10 scored tokens.</summary>
    public static DetectionOptions Default { get; } = new();

    /// <summary>
    /// Gets whether each distinct (context, token) pair is scored once (the default). Turning it off
    /// scores repeated text again and again, which breaks the independence the p-value assumes:
    /// repetitive human text then yields false positives. Leave it on unless you are reproducing a
    /// reference implementation that does not deduplicate.
    /// </summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>
    /// Gets the number of scored tokens below which the result is
    /// <see cref="DetectionStatus.InsufficientTokens"/> (p-value 1). The default, 10, is about the
    /// fewest tokens that could reach p &lt; 1e-6 at gamma 0.25.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MinimumScoredTokens
    {
        get => _minimumScoredTokens;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MinimumScoredTokens));
            _minimumScoredTokens = value;
        }
    }
}
