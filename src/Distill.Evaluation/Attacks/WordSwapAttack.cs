using System;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Swaps neighbouring words: round(fraction x words / 2) disjoint pairs of adjacent words, chosen
/// uniformly, trade places, so that about the fraction of words moves.
/// </summary>
/// <remarks>
/// The "swap" attack of MarkMyWords (Piet et al. 2023). Words are runs of letters (see the text
/// attacks' word rule); the punctuation and spacing between them stay where they are ("the dog, ran"
/// may become "dog the, ran"). Pairs are drawn by trying the positions in a random order and keeping
/// a pair when neither word is taken yet, until enough are kept (fewer when the text runs out).
/// <see cref="TextAttackResult.Substituted"/> counts the words moved (twice the pairs) and
/// <see cref="TextAttackResult.SourceCount"/> the words. Immutable and thread-safe.
/// </remarks>
public sealed class WordSwapAttack : TextAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="fraction">The fraction of words moved, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1] or NaN.</exception>
    public WordSwapAttack(double fraction) => Fraction = TextWords.CheckFraction(fraction, nameof(fraction));

    /// <summary>Gets the fraction of words moved.</summary>
    public double Fraction { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(int Start, int Length)> words = TextWords.Find(text);
        int pairs = (int)Math.Round(Fraction * words.Count / 2, MidpointRounding.AwayFromZero);
        var random = new Xoshiro256StarStar(seed);
        int[] order = TextWords.Choose(ref random, Math.Max(0, words.Count - 1), 1.0);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = AttackRandom.NextInt(ref random, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var taken = new bool[words.Count];
        var swapped = new List<int>();
        foreach (int i in order)
        {
            if (swapped.Count == pairs)
            {
                break;
            }

            if (!taken[i] && !taken[i + 1])
            {
                taken[i] = taken[i + 1] = true;
                swapped.Add(i);
            }
        }

        swapped.Sort();
        var replacements = new List<(int, int, string)>();
        foreach (int i in swapped)
        {
            (int s0, int l0) = words[i];
            (int s1, int l1) = words[i + 1];
            replacements.Add((s0, l0, text.Substring(s1, l1)));
            replacements.Add((s1, l1, text.Substring(s0, l0)));
        }

        return new TextAttackResult(TextWords.Replace(text, replacements), words.Count, 2 * swapped.Count, 0, 0);
    }
}
