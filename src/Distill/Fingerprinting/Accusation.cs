using System;

namespace Distill.Fingerprinting;

/// <summary>One tenant's standing in a pooled trace.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Score">Its symmetric Tardos score (mean 0 and variance 1 per position for an innocent tenant).</param>
/// <param name="Log10PValue">
/// log10 of the bound on an innocent tenant reaching this score, multiplied by the number of
/// registered tenants (capped at 0): the probability that any innocent tenant scores this high.
/// </param>
/// <param name="Accused">Whether the corrected bound is at most the false-accusation bound.</param>
public readonly record struct Accusation(TenantId Tenant, double Score, double Log10PValue, bool Accused)
{
    /// <summary>Gets <c>10^Log10PValue</c> (0 when it underflows).</summary>
    public double PValue => Math.Pow(10.0, Log10PValue);
}
