using Distill.Statistics;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>One false-attribution cell: texts of one kind traced against one registry at the default alpha.</summary>
/// <param name="Text">The texts and how they relate to the registry.</param>
/// <param name="RegistrySize">The number of registered tenants; 0 for tracing without a registry.</param>
/// <param name="Documents">The number of texts.</param>
/// <param name="Wrong">The texts attributed to a tenant that did not write them.</param>
/// <param name="Correct">The watermarked texts attributed to their own tenant (0 for the other kinds).</param>
public readonly record struct AttributionCell(AttributionText Text, int RegistrySize, int Documents, int Wrong, int Correct)
{
    /// <summary>Gets the fraction of texts attributed to a wrong tenant.</summary>
    public double WrongFraction => Documents == 0 ? 0 : Wrong / (double)Documents;

    /// <summary>Gets the exact (Clopper-Pearson) 95% confidence interval of the false-attribution rate.</summary>
    public (double Lower, double Upper) ConfidenceInterval => Documents == 0 ? (0, 1) : Binomial.ConfidenceInterval(Wrong, Documents, 0.95);
}
