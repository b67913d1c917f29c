using System;

namespace Distill.Evaluation.Attacks;

/// <summary>Keeps the first characters of a text and drops the rest (the seed is ignored).</summary>
/// <remarks>
/// Never splits a surrogate pair: when the cut would fall inside one, one character fewer is kept.
/// Counts are in UTF-16 characters. Immutable and thread-safe.
/// </remarks>
public sealed class TextTruncationAttack : TextAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="maxCharacters">The number of leading UTF-16 characters kept; not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCharacters"/> is negative.</exception>
    public TextTruncationAttack(int maxCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCharacters);
        MaxCharacters = maxCharacters;
    }

    /// <summary>Gets the number of leading UTF-16 characters kept.</summary>
    public int MaxCharacters { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        int kept = Math.Min(MaxCharacters, text.Length);
        if (kept > 0 && kept < text.Length && char.IsHighSurrogate(text[kept - 1]) && char.IsLowSurrogate(text[kept]))
        {
            kept--;
        }

        return new TextAttackResult(text[..kept], text.Length, 0, 0, text.Length - kept);
    }
}
