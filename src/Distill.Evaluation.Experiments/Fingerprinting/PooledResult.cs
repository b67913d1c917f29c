using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>The pooled runs of one colluder count.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class PooledResult
{
    internal PooledResult(int colluders, IReadOnlyList<PooledRun> runs)
    {
        Colluders = colluders;
        Runs = runs;
    }

    /// <summary>Gets the number of colluders in every run.</summary>
    public int Colluders { get; }

    /// <summary>Gets the runs, in run order.</summary>
    public IReadOnlyList<PooledRun> Runs { get; }

    /// <summary>Gets the distinct innocent tenants accused, summed over the runs.</summary>
    public int InnocentsEverAccused => Runs.Sum(r => r.InnocentsEverAccused);

    /// <summary>Gets the runs in which some colluder was accused.</summary>
    public int RunsWithAccusation => Runs.Count(r => r.TokensToFirstAccusation is not null);

    /// <summary>Gets the (lower) median tokens to the first accusation over the runs, a run without one counting as infinitely many; <see langword="null"/> when half or more had none.</summary>
    public long? MedianTokensToFirstAccusation
    {
        get
        {
            long[] sorted = [.. Runs.Select(r => r.TokensToFirstAccusation ?? long.MaxValue).Order()];
            if (sorted.Length == 0)
            {
                return null;
            }

            long median = sorted[(sorted.Length - 1) / 2];
            return median == long.MaxValue ? null : median;
        }
    }
}
