using System.Collections.Generic;

namespace Distill.Evaluation.Runner;

/// <summary>One row of an evaluation table: an attack and its cells, one per length.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class AttackEvaluation
{
    internal AttackEvaluation(EvaluationAttack attack, IReadOnlyList<EvaluationCell> cells)
    {
        Attack = attack;
        Cells = cells;
    }

    /// <summary>Gets the attack.</summary>
    public EvaluationAttack Attack { get; }

    /// <summary>Gets the cells, one per length of <see cref="EvaluationOptions.Lengths"/>.</summary>
    public IReadOnlyList<EvaluationCell> Cells { get; }
}
