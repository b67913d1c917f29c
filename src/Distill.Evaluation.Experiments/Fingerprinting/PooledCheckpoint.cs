namespace Distill.Evaluation.Fingerprinting;

/// <summary>One reading of a pooled run: the corpus so far traced against the registry.</summary>
/// <param name="Tokens">The tokens in the corpus (equal shares of every colluder).</param>
/// <param name="ColludersAccused">The colluders accused.</param>
/// <param name="InnocentsAccused">The tenants accused that did not contribute.</param>
/// <param name="BestColluderLog10PValue">The smallest log10 p-value (corrected for the registry) among the colluders ranked; 0 when none is ranked.</param>
public readonly record struct PooledCheckpoint(long Tokens, int ColludersAccused, int InnocentsAccused, double BestColluderLog10PValue);
