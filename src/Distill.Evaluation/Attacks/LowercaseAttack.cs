using System;

namespace Distill.Evaluation.Attacks;

/// <summary>Lower-cases the whole text (invariant culture); the seed is ignored.</summary>
/// <remarks>
/// <see cref="TextAttackResult.Substituted"/> counts the characters that changed and
/// <see cref="TextAttackResult.SourceCount"/> the characters. Immutable and thread-safe.
/// </remarks>
public sealed class LowercaseAttack : TextAttack
{
    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        string lower = text.ToLowerInvariant();
        int changed = 0;
        for (int i = 0; i < text.Length; i++)
        {
            changed += text[i] != lower[i] ? 1 : 0;
        }

        return new TextAttackResult(lower, text.Length, changed, 0, 0);
    }
}
