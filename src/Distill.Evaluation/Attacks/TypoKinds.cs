using System;

namespace Distill.Evaluation.Attacks;

/// <summary>The kinds of typing error <see cref="TypoAttack"/> makes; combine them as flags.</summary>
[Flags]
public enum TypoKinds
{
    /// <summary>No kind (not valid for an attack).</summary>
    None = 0,

    /// <summary>A letter replaced by a neighbouring key of a QWERTY keyboard ("house" to "hoise").</summary>
    AdjacentKey = 1,

    /// <summary>A letter dropped ("house" to "hose").</summary>
    Deletion = 2,

    /// <summary>Two neighbouring, different letters swapped ("house" to "huose").</summary>
    Transposition = 4,

    /// <summary>A letter typed twice ("house" to "housse").</summary>
    Doubling = 8,

    /// <summary>Every kind.</summary>
    All = AdjacentKey | Deletion | Transposition | Doubling,
}
