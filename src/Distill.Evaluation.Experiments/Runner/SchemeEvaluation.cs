using System.Collections.Generic;

namespace Distill.Evaluation.Runner;

/// <summary>The results of one scheme: one row per attack and the human null per length.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class SchemeEvaluation
{
    internal SchemeEvaluation(EvaluationScheme scheme, IReadOnlyList<int> lengths, IReadOnlyList<AttackEvaluation> rows, IReadOnlyList<HumanNullCell> human)
    {
        Scheme = scheme;
        Lengths = lengths;
        Rows = rows;
        Human = human;
    }

    /// <summary>Gets the scheme.</summary>
    public EvaluationScheme Scheme { get; }

    /// <summary>Gets the columns.</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>Gets one row per attack, in the order of <see cref="EvaluationOptions.Attacks"/>.</summary>
    public IReadOnlyList<AttackEvaluation> Rows { get; }

    /// <summary>Gets the human null, one cell per length.</summary>
    public IReadOnlyList<HumanNullCell> Human { get; }
}
