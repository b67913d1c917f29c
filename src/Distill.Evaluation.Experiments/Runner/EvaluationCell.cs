using System.Collections.Generic;

namespace Distill.Evaluation.Runner;

/// <summary>One cell of an evaluation table: the watermarked generations of one attack and one length, and how many were detected.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class EvaluationCell
{
    internal EvaluationCell(int tokens, int trials, IReadOnlyList<int> detected, int? empiricalDetected, double meanLog10PValue, double meanAttackedTokens)
    {
        Tokens = tokens;
        Trials = trials;
        Detected = detected;
        EmpiricalDetected = empiricalDetected;
        MeanLog10PValue = meanLog10PValue;
        MeanAttackedTokens = meanAttackedTokens;
    }

    /// <summary>Gets the column: the number of generated tokens the attacker received.</summary>
    public int Tokens { get; }

    /// <summary>Gets the number of generations scored; 0 when the attack cannot be applied at this length.</summary>
    public int Trials { get; }

    /// <summary>Gets, for each alpha of <see cref="EvaluationReport.Alphas"/>, the number of generations with p &lt;= alpha.</summary>
    public IReadOnlyList<int> Detected { get; }

    /// <summary>
    /// Gets the number of generations whose p-value lies below the human passages' empirical
    /// quantile at <see cref="EvaluationReport.EmpiricalAlpha"/>; <see langword="null"/> when the
    /// human sample is too small to set it (see <see cref="HumanNullCell.EmpiricalLog10Threshold"/>).
    /// </summary>
    public int? EmpiricalDetected { get; }

    /// <summary>Gets the mean base-10 logarithm of the p-values.</summary>
    public double MeanLog10PValue { get; }

    /// <summary>Gets the mean length of the attacked streams that were detected.</summary>
    public double MeanAttackedTokens { get; }

    /// <summary>Gets the true-positive rate at an alpha of <see cref="EvaluationReport.Alphas"/>; NaN without trials.</summary>
    /// <param name="alphaIndex">The index of the alpha.</param>
    /// <returns>Detected over trials.</returns>
    public double TruePositiveRate(int alphaIndex) => Trials == 0 ? double.NaN : (double)Detected[alphaIndex] / Trials;
}
