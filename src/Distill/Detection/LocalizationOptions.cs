using System;

namespace Distill.Detection;

/// <summary>Options of the search for watermarked spans, validated when each value is set.</summary>
public sealed record LocalizationOptions
{
    private readonly double _alpha = 0.01;
    private readonly int _minimumWindow = 16;
    private readonly double _windowGrowth = 1.25;
    private readonly int _maximumSpans = 16;

    /// <summary>Gets the defaults: alpha 0.01, windows from 16 scored tokens growing by 1.25, at most 16 spans.</summary>
    public static LocalizationOptions Default { get; } = new();

    /// <summary>Gets the family-wise significance level: under the null, the chance that any span is reported is at most alpha.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1).</exception>
    public double Alpha
    {
        get => _alpha;
        init
        {
            if (!(value > 0.0 && value < 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(Alpha), value, "Alpha must be strictly between 0 and 1.");
            }

            _alpha = value;
        }
    }

    /// <summary>Gets the shortest window searched, in scored tokens (at least 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 4.</exception>
    public int MinimumWindow
    {
        get => _minimumWindow;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4, nameof(MinimumWindow));
            _minimumWindow = value;
        }
    }

    /// <summary>Gets the ratio between successive window lengths (above 1, at most 4); windows start every quarter length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (1, 4].</exception>
    public double WindowGrowth
    {
        get => _windowGrowth;
        init
        {
            if (!(value > 1.0 && value <= 4.0))
            {
                throw new ArgumentOutOfRangeException(nameof(WindowGrowth), value, "The window growth must be above 1 and at most 4.");
            }

            _windowGrowth = value;
        }
    }

    /// <summary>Gets the largest number of disjoint spans reported.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaximumSpans
    {
        get => _maximumSpans;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaximumSpans));
            _maximumSpans = value;
        }
    }

    /// <summary>Gets whether repeated (context, token) pairs are scored once (see <see cref="DetectionOptions.Deduplicate"/>).</summary>
    public bool Deduplicate { get; init; } = true;
}
