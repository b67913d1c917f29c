namespace Distill.ExpEdit;

/// <summary>How EXP-edit computes a p-value (<see cref="ExpEditDetectionOptions.Test"/>).</summary>
public enum ExpEditTest
{
    /// <summary>
    /// The paper's test: the edit-distance alignment cost under the real key against the same statistic
    /// under fresh keys (exact, floor 1 / (1 + resamples); <see cref="Detection.DetectionStatistic.EditAlignment"/>).
    /// </summary>
    Permutation = 0,

    /// <summary>
    /// A closed-form test without a floor: the largest sum of -ln(1 - xi) along an unedited alignment of a
    /// block with consecutive key positions, blocks of the scheme's length and its halvings down to 32
    /// tokens, with an exact Gamma tail times the number of (length, start, shift) triples searched
    /// (conservative; <see cref="Detection.DetectionStatistic.AlignedGammaSum"/>). Tolerates edits between
    /// blocks, not inside one; milliseconds where the permutation test needs N alignments.
    /// </summary>
    GammaBound = 1,
}
