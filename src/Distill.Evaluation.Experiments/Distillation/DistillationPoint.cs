namespace Distill.Evaluation.Distillation;

/// <summary>One radioactivity test of one student: a setting, a watermarked share and a number of student tokens.</summary>
/// <param name="Setting">The setting.</param>
/// <param name="Rho">The nominal watermarked share of the student's training tokens (one of <see cref="DistillationOptions.Rhos"/>).</param>
/// <param name="WatermarkedShare">The share actually used: watermarked tokens over all training tokens (whole teacher responses are added).</param>
/// <param name="StudentTokens">The student tokens the closed-model test read (a checkpoint); 0 for the open setting.</param>
/// <param name="TokenCount">The tokens the test saw (outputs, or positions of the teacher texts).</param>
/// <param name="ScoredTokens">The tokens scored after deduplication, prompt exclusion and the filter.</param>
/// <param name="Score">The test's score: the green fraction, or the scheme's mean per-token score.</param>
/// <param name="Log10PValue">The base-10 logarithm of the test's p-value.</param>
public sealed record DistillationPoint(
    DistillationSetting Setting,
    double Rho,
    double WatermarkedShare,
    int StudentTokens,
    long TokenCount,
    long ScoredTokens,
    double Score,
    double Log10PValue);
