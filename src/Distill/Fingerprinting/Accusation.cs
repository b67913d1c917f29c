using System;

namespace Distill.Fingerprinting;

/// <summary>One tenant's standing in a pooled trace.</summary>
/// <remarks>Made by <see cref="FingerprintScheme.TracePooled"/> only; <c>default</c> is an empty standing.</remarks>
public readonly record struct Accusation
{
    /// <summary>Initializes a new instance of the <see cref="Accusation"/> struct.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="score">Its symmetric Tardos score.</param>
    /// <param name="log10PValue">log10 of the corrected bound.</param>
    /// <param name="accused">Whether the corrected bound is at most the false-accusation bound.</param>
    internal Accusation(TenantId tenant, double score, double log10PValue, bool accused)
    {
        Tenant = tenant;
        Score = score;
        Log10PValue = log10PValue;
        Accused = accused;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets its symmetric Tardos score (mean 0 and variance 1 per position for an innocent tenant).</summary>
    public double Score { get; }

    /// <summary>
    /// Gets log10 of the bound on an innocent tenant reaching this score, multiplied by the number of
    /// registered tenants (capped at 0): the probability that any innocent tenant scores this high.
    /// </summary>
    public double Log10PValue { get; }

    /// <summary>Gets a value indicating whether the corrected bound is at most the false-accusation bound.</summary>
    public bool Accused { get; }

    /// <summary>Gets <c>10^Log10PValue</c> (0 when it underflows).</summary>
    public double PValue => Math.Pow(10.0, Log10PValue);
}
