using System.Collections.Generic;

namespace Distill.Fingerprinting;

/// <summary>The tenants whose codewords a pooled corpus carries, ranked by their symmetric Tardos score.</summary>
public sealed class PooledTraceResult
{
    internal PooledTraceResult(IReadOnlyList<Accusation> ranked, IReadOnlyList<Accusation> accused, double bound, double threshold, int tenants, int positionsUsed, FingerprintEvidence evidence)
    {
        Ranked = ranked;
        Accused = accused;
        FalseAccusationBound = bound;
        AccusationThreshold = threshold;
        Tenants = tenants;
        PositionsUsed = positionsUsed;
        ScoredTokens = evidence.Scored;
        GreenTokens = evidence.Green;
        Documents = evidence.Documents;
    }

    /// <summary>Gets the highest-scoring tenants, best first (at most <see cref="PooledTraceOptions.MaxReported"/>).</summary>
    public IReadOnlyList<Accusation> Ranked { get; }

    /// <summary>Gets every accused tenant, best first (possibly more than <see cref="Ranked"/> lists).</summary>
    public IReadOnlyList<Accusation> Accused { get; }

    /// <summary>Gets the bound on the probability that any innocent registered tenant is accused.</summary>
    public double FalseAccusationBound { get; }

    /// <summary>Gets the score above which a tenant is accused (infinite when no score can reach the bound).</summary>
    public double AccusationThreshold { get; }

    /// <summary>Gets the number of registered tenants scored.</summary>
    public int Tenants { get; }

    /// <summary>Gets the codeword positions with a majority colour (the others add nothing to any score).</summary>
    public int PositionsUsed { get; }

    /// <summary>Gets the tokens scored.</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the scored tokens that are green.</summary>
    public long GreenTokens { get; }

    /// <summary>Gets the documents in the corpus.</summary>
    public int Documents { get; }
}
