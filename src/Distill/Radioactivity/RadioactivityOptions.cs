using System;

namespace Distill.Radioactivity;

/// <summary>Options of the radioactivity tests (<see cref="ClosedModelTest"/>, <see cref="OpenModelTest"/>).</summary>
/// <remarks>Instances are immutable.</remarks>
public sealed record RadioactivityOptions
{
    private readonly int _minimumScoredTokens = 1;

    /// <summary>Gets the defaults: deduplication on, no filter, at least one scored token.</summary>
    public static RadioactivityOptions Default { get; } = new();

    /// <summary>
    /// Gets whether each distinct (seed, token) pair is scored once across the whole corpus (the
    /// default). Turning it off scores every occurrence again: a model that repeats itself (and every
    /// model does, across many outputs) then looks radioactive, so the p-value is no longer valid.
    /// </summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>
    /// Gets the supervised filter: when set, only tokens whose context occurs in it (the contexts of
    /// our own watermarked outputs, <see cref="ContextFilter.Create"/>) are scored; the others are
    /// counted in <see cref="RadioactivityResult.OutsideFilter"/>. <see langword="null"/> (the default)
    /// scores every context: the unsupervised setting.
    /// </summary>
    public ContextFilter? Filter { get; init; }

    /// <summary>Gets the number of scored tokens below which the result reports no evidence (p-value 1); at least 1.</summary>
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
