namespace Distill.Evaluation.Runner;

/// <summary>How <see cref="EvaluationRunner"/> applies an <see cref="EvaluationAttack"/>.</summary>
internal enum EvaluationAttackKind
{
    None,
    TokenEdit,
    WordEdit,
    Dilution,
    Emoji,
    Retokenization,
    Text,
}
