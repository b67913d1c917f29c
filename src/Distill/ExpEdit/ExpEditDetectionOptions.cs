using System;

namespace Distill.ExpEdit;

/// <summary>
/// Settings of the EXP-edit test that only the detector chooses (they change the p-value's resolution
/// and the time it takes, never its validity), validated when each value is set.
/// </summary>
/// <remarks>
/// The p-value is (1 + #{fresh-key statistics &lt;= observed}) / (1 + <see cref="Resamples"/>), so
/// its floor is 1 / (1 + <see cref="Resamples"/>); with early stopping (Besag and Clifford 1991) the
/// test ends after the <see cref="EarlyStopHits"/>-th fresh key at or below the observed statistic and
/// reports hits / resamples used, which is valid too and saves most of the work on unwatermarked text.
/// </remarks>
public sealed record ExpEditDetectionOptions
{
    private readonly int _resamples = 999;
    private readonly int _earlyStopHits = 10;
    private readonly int _maxDegreeOfParallelism = -1;
    private readonly ExpEditTest _test;

    /// <summary>Gets the defaults: the permutation test, 999 resamples (floor 1e-3), early stop after 10 hits, all cores.</summary>
    public static ExpEditDetectionOptions Default { get; } = new();

    /// <summary>
    /// Gets the test: <see cref="ExpEditTest.Permutation"/> (the default, the paper's) or
    /// <see cref="ExpEditTest.GammaBound"/> (closed form, no floor; the resampling settings do not apply).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not a defined test.</exception>
    public ExpEditTest Test
    {
        get => _test;
        init
        {
            if (value is not (ExpEditTest.Permutation or ExpEditTest.GammaBound))
            {
                throw new ArgumentOutOfRangeException(nameof(Test), value, "The test must be Permutation or GammaBound.");
            }

            _test = value;
        }
    }

    /// <summary>Gets the number N of fresh key sequences the statistic is recomputed under, between 1 and 10^8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..10^8.</exception>
    public int Resamples
    {
        get => _resamples;
        init
        {
            if (value is < 1 or > 100_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(Resamples), value, "The number of resamples must be between 1 and 10^8.");
            }

            _resamples = value;
        }
    }

    /// <summary>
    /// Gets the number h of fresh-key statistics at or below the observed one after which the test
    /// stops (the p-value is then h / resamples used, at least h / N); 0 turns early stopping off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int EarlyStopHits
    {
        get => _earlyStopHits;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(EarlyStopHits));
            _earlyStopHits = value;
        }
    }

    /// <summary>Gets the largest number of threads the resamples run on; -1 (the default) for no limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0 or below -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init
        {
            if (value == 0 || value < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "The degree of parallelism must be -1 or positive.");
            }

            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Returns options whose p-value floor is at most <paramref name="floor"/>: N = ceil(1 / floor) - 1 resamples.</summary>
    /// <param name="floor">The smallest p-value the test must be able to report, in [1e-8, 0.5].</param>
    /// <returns>These options with <see cref="Resamples"/> set.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="floor"/> is outside [1e-8, 0.5].</exception>
    public ExpEditDetectionOptions WithPValueFloor(double floor)
    {
        if (!(floor >= 1e-8 && floor <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(floor), floor, "The p-value floor must be between 1e-8 and 0.5.");
        }

        return this with { Resamples = (int)Math.Ceiling((1.0 / floor) - 1e-9) - 1 };
    }
}
