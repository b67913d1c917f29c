using System.Collections.Generic;

namespace Distill.Evaluation.Runner;

/// <summary>The null of one column: held-out human passages of that length, each under its own key, and their false positives.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class HumanNullCell
{
    internal HumanNullCell(int tokens, int passages, IReadOnlyList<int> falsePositives, double? empiricalLog10Threshold, double minLog10PValue)
    {
        Tokens = tokens;
        Passages = passages;
        FalsePositives = falsePositives;
        EmpiricalLog10Threshold = empiricalLog10Threshold;
        MinLog10PValue = minLog10PValue;
    }

    /// <summary>Gets the passage length.</summary>
    public int Tokens { get; }

    /// <summary>Gets the number of human passages scored.</summary>
    public int Passages { get; }

    /// <summary>Gets, for each alpha of <see cref="EvaluationReport.Alphas"/>, the number of passages with p &lt;= alpha.</summary>
    public IReadOnlyList<int> FalsePositives { get; }

    /// <summary>
    /// Gets the empirical threshold at <see cref="EvaluationReport.EmpiricalAlpha"/>: the
    /// (m + 1)-th smallest human log10 p-value, m = floor(alpha passages), so that at most m human
    /// passages (a rate of at most alpha) lie strictly below it. <see langword="null"/> when m is
    /// below <see cref="EvaluationReport.MinimumEmpiricalCount"/>.
    /// </summary>
    public double? EmpiricalLog10Threshold { get; }

    /// <summary>Gets the base-10 logarithm of the smallest human p-value.</summary>
    public double MinLog10PValue { get; }

    /// <summary>Gets the false-positive rate at an alpha of <see cref="EvaluationReport.Alphas"/>; NaN without passages.</summary>
    /// <param name="alphaIndex">The index of the alpha.</param>
    /// <returns>False positives over passages.</returns>
    public double FalsePositiveRate(int alphaIndex) => Passages == 0 ? double.NaN : (double)FalsePositives[alphaIndex] / Passages;
}
