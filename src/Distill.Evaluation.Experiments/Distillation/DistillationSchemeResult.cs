using System.Collections.Generic;
using System.Linq;
using Distill.Evaluation.Runner;

namespace Distill.Evaluation.Distillation;

/// <summary>The radioactivity tests of the students distilled from one scheme's teacher.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class DistillationSchemeResult
{
    internal DistillationSchemeResult(EvaluationScheme scheme, string? unsupportedReason, int teacherResponses, IReadOnlyList<DistillationPoint> points)
    {
        Scheme = scheme;
        UnsupportedReason = unsupportedReason;
        TeacherResponses = teacherResponses;
        Points = points;
    }

    /// <summary>Gets the scheme.</summary>
    public EvaluationScheme Scheme { get; }

    /// <summary>Gets why the radioactivity tests refuse the scheme (EXP-edit), or <see langword="null"/> when they accept it.</summary>
    public string? UnsupportedReason { get; }

    /// <summary>Gets the number of watermarked teacher responses generated (200 tokens each); the students use prefixes of them.</summary>
    public int TeacherResponses { get; }

    /// <summary>Gets every test: per share, the closed settings at each checkpoint and the open setting once.</summary>
    public IReadOnlyList<DistillationPoint> Points { get; }

    /// <summary>Finds one test.</summary>
    /// <param name="setting">The setting.</param>
    /// <param name="rho">A share of the options.</param>
    /// <param name="studentTokens">A checkpoint (ignored for the open setting).</param>
    /// <returns>The test, or <see langword="null"/> when the scheme is unsupported or there is no such test.</returns>
    public DistillationPoint? Find(DistillationSetting setting, double rho, int studentTokens) =>
        Points.FirstOrDefault(p => p.Setting == setting && p.Rho == rho && (setting == DistillationSetting.Open || p.StudentTokens == studentTokens));
}
