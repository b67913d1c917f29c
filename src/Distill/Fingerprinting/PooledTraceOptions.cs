using System;

namespace Distill.Fingerprinting;

/// <summary>Options of tracing the tenants present in a pooled corpus. Immutable.</summary>
public sealed record PooledTraceOptions
{
    private readonly double _falseAccusation = 1e-6;
    private readonly int _maxReported = 20;
    private readonly PooledScore _score = PooledScore.Centred;

    /// <summary>Gets the defaults: false accusation 1e-6 over the whole registry, 20 tenants reported.</summary>
    public static PooledTraceOptions Default { get; } = new();

    /// <summary>
    /// Gets the bound on the probability of accusing any innocent tenant of the registry (whatever
    /// the corpus and however many colluders), between 0 (exclusive) and 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1], or NaN.</exception>
    public double FalseAccusation
    {
        get => _falseAccusation;
        init
        {
            if (!(value > 0.0 && value <= 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(FalseAccusation), value, "The false-accusation bound must be greater than 0 and at most 1.");
            }

            _falseAccusation = value;
        }
    }

    /// <summary>Gets the weighting of positions; <see cref="PooledScore.Centred"/> by default. Either keeps the bound valid.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not defined.</exception>
    public PooledScore Score
    {
        get => _score;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Score), value, "Unknown pooled score.");
            }

            _score = value;
        }
    }

    /// <summary>Gets how many of the highest-scoring tenants the result lists, from 1 to 10,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [1, 10000].</exception>
    public int MaxReported
    {
        get => _maxReported;
        init
        {
            if (value < 1 || value > 10_000)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxReported), value, "Between 1 and 10,000 tenants may be reported.");
            }

            _maxReported = value;
        }
    }
}
