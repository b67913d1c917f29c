using System;
using System.Collections.Generic;
using System.Text;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Inserts an invisible character (by default the zero-width space U+200B) inside a fraction of the
/// words, between two of their letters: the text looks the same, its tokens split.
/// </summary>
/// <remarks>
/// Exactly round(fraction x eligible) words of at least two letters, chosen uniformly, get one
/// character at a gap drawn uniformly among their inner gaps (<see cref="TextAttackResult.Inserted"/>;
/// <see cref="TextAttackResult.SourceCount"/> counts the eligible words). The library's
/// <see cref="Distill.Tokenizers.TextNormalizer"/> removes every format (Cf) character before
/// tokenizing, which undoes this attack when detection goes through <see cref="Distill.Tokenizers.TextTokenizer"/>.
/// Immutable and thread-safe.
/// </remarks>
public sealed class ZeroWidthAttack : TextAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="fraction">The fraction of eligible words given an invisible character, in [0, 1].</param>
    /// <param name="character">The character inserted; U+200B by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1] or NaN.</exception>
    public ZeroWidthAttack(double fraction, char character = '\u200B')
    {
        Fraction = TextWords.CheckFraction(fraction, nameof(fraction));
        Character = character;
    }

    /// <summary>Gets the fraction of eligible words given an invisible character.</summary>
    public double Fraction { get; }

    /// <summary>Gets the character inserted.</summary>
    public char Character { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(int Start, int Length)> eligible = TextWords.Find(text).FindAll(w => w.Length >= 2);
        var random = new Xoshiro256StarStar(seed);
        int[] chosen = TextWords.Choose(ref random, eligible.Count, Fraction);
        var output = new StringBuilder(text.Length + chosen.Length);
        int written = 0;
        foreach (int i in chosen)
        {
            (int start, int length) = eligible[i];
            int gap = start + 1 + AttackRandom.NextInt(ref random, length - 1);
            output.Append(text, written, gap - written).Append(Character);
            written = gap;
        }

        output.Append(text, written, text.Length - written);
        return new TextAttackResult(output.ToString(), eligible.Count, 0, chosen.Length, 0);
    }
}
