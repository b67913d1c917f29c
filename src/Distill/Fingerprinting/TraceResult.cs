using System;
using System.Collections.Generic;
using Distill.Detection;

namespace Distill.Fingerprinting;

/// <summary>
/// The tenant a document (or body of evidence) was traced to, or none, with a p-value corrected
/// for every tenant that could have been named.
/// </summary>
public sealed class TraceResult
{
    internal TraceResult(
        TenantId? best,
        double log10Uncorrected,
        double tenantsSearched,
        double alpha,
        int candidatesChecked,
        long matchingTokens,
        FingerprintEvidence evidence,
        IReadOnlyList<PositionEstimate> identity)
    {
        BestCandidate = best;
        Log10PValueUncorrected = log10Uncorrected;
        TenantsSearched = tenantsSearched;
        Log10PValue = Math.Min(0.0, log10Uncorrected + Math.Log10(tenantsSearched));
        Alpha = alpha;
        Tenant = best is not null && Log10PValue <= Math.Log10(alpha) ? best : null;
        CandidatesChecked = candidatesChecked;
        MatchingTokens = matchingTokens;
        ScoredTokens = evidence.Scored;
        GreenTokens = evidence.Green;
        ZeroBit = evidence.ZeroBit;
        IdentityPositions = identity;
    }

    /// <summary>Gets the tenant, or <see langword="null"/> when no tenant is confident at <see cref="Alpha"/>.</summary>
    public TenantId? Tenant { get; }

    /// <summary>Gets whether a tenant was named.</summary>
    public bool IsSignificant => Tenant is not null;

    /// <summary>Gets the best candidate found (smallest p-value), even when it is not significant; <see langword="null"/> when list decoding found no candidate.</summary>
    public TenantId? BestCandidate { get; }

    /// <summary>
    /// Gets log10 of the p-value of the best candidate corrected for <see cref="TenantsSearched"/>
    /// (Bonferroni): the probability that any innocent tenant would look this guilty. 0 when there is
    /// no candidate.
    /// </summary>
    public double Log10PValue { get; }

    /// <summary>Gets <c>10^Log10PValue</c> (0 when it underflows).</summary>
    public double PValue => Math.Pow(10.0, Log10PValue);

    /// <summary>Gets log10 of the best candidate's own p-value: exact (or a Chernoff bound beyond double range) given the evidence.</summary>
    public double Log10PValueUncorrected { get; }

    /// <summary>Gets the number of tenants the p-value is corrected for: the registry's size, or 2^64 without a registry.</summary>
    public double TenantsSearched { get; }

    /// <summary>Gets the significance level used.</summary>
    public double Alpha { get; }

    /// <summary>Gets how many candidate tenants were scored exactly.</summary>
    public int CandidatesChecked { get; }

    /// <summary>Gets the best candidate's score: green tokens whose colour matches its codeword bit.</summary>
    public long MatchingTokens { get; }

    /// <summary>Gets the tokens scored (after the context prefix and deduplication).</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the scored tokens that are green (each carries one codeword bit).</summary>
    public long GreenTokens { get; }

    /// <summary>Gets the decoded identity word, position by position, with each bit's confidence.</summary>
    public IReadOnlyList<PositionEstimate> IdentityPositions { get; }

    /// <summary>Gets the zero-bit result from the same pass: whether the text is watermarked at all (master key only).</summary>
    public DetectionResult ZeroBit { get; }
}
