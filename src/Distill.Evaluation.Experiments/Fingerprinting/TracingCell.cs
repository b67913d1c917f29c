namespace Distill.Evaluation.Fingerprinting;

/// <summary>
/// One cell of the single-tenant tracing table: documents of one length traced against one
/// registry (or none), and how many were traced to their own tenant, to another, or to none.
/// </summary>
/// <param name="RegistrySize">The number of registered tenants; 0 for tracing without a registry (the full 2^64 code space).</param>
/// <param name="Tokens">The number of generated tokens in each document.</param>
/// <param name="Documents">The number of documents.</param>
/// <param name="Correct">The documents traced to the tenant that generated them.</param>
/// <param name="Wrong">The documents traced to another tenant.</param>
public readonly record struct TracingCell(int RegistrySize, int Tokens, int Documents, int Correct, int Wrong)
{
    /// <summary>Gets the documents traced to no tenant (no candidate significant at the default alpha).</summary>
    public int None => Documents - Correct - Wrong;

    /// <summary>Gets the fraction traced to the right tenant.</summary>
    public double CorrectFraction => Documents == 0 ? 0 : Correct / (double)Documents;
}
