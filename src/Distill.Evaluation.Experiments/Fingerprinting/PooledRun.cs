using System.Collections.Generic;
using System.Linq;
using Distill.Fingerprinting;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>One pooled run: a set of colluders, their interleaved corpus, and the tracing at each doubling of it.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class PooledRun
{
    internal PooledRun(int run, IReadOnlyList<TenantId> colluders, IReadOnlyList<PooledCheckpoint> checkpoints, int innocentsEverAccused)
    {
        Run = run;
        Colluders = colluders;
        Checkpoints = checkpoints;
        InnocentsEverAccused = innocentsEverAccused;
    }

    /// <summary>Gets the run's index among the runs of its colluder count.</summary>
    public int Run { get; }

    /// <summary>Gets the colluding tenants, in the order their documents are interleaved.</summary>
    public IReadOnlyList<TenantId> Colluders { get; }

    /// <summary>Gets the readings, in increasing corpus size.</summary>
    public IReadOnlyList<PooledCheckpoint> Checkpoints { get; }

    /// <summary>Gets the number of distinct innocent tenants accused at any checkpoint (the bound makes any above 0 improbable).</summary>
    public int InnocentsEverAccused { get; }

    /// <summary>Gets the smallest corpus at which at least one colluder was accused, or <see langword="null"/> when none was up to the largest.</summary>
    public long? TokensToFirstAccusation => Checkpoints.Where(c => c.ColludersAccused > 0).Select(c => (long?)c.Tokens).FirstOrDefault();

    /// <summary>Gets the colluders accused at the last checkpoint.</summary>
    public int ColludersAccusedAtEnd => Checkpoints.Count == 0 ? 0 : Checkpoints[^1].ColludersAccused;

    /// <summary>Gets the tokens of the last (largest) corpus.</summary>
    public long FinalTokens => Checkpoints.Count == 0 ? 0 : Checkpoints[^1].Tokens;
}
