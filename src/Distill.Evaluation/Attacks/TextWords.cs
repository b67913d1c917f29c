using System;
using System.Collections.Generic;
using System.Text;

namespace Distill.Evaluation.Attacks;

/// <summary>Finds the words of a text for the text attacks, and the helpers they share.</summary>
/// <remarks>
/// A word is a maximal run of letters, where an apostrophe (' or U+2019) or a hyphen between two
/// letters belongs to the word ("don't", "well-known"). Everything else (spaces, punctuation,
/// digits) stays where it is.
/// </remarks>
internal static class TextWords
{
    /// <summary>Returns the (start, length) of every word, in order.</summary>
    public static List<(int Start, int Length)> Find(string text)
    {
        var words = new List<(int, int)>();
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && (char.IsLetter(text[i]) || (IsJoiner(text[i]) && i + 1 < text.Length && char.IsLetter(text[i + 1]))))
            {
                i++;
            }

            words.Add((start, i - start));
        }

        return words;
    }

    /// <summary>Whether a word is made of ASCII letters only.</summary>
    public static bool IsAsciiLetters(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return word.Length > 0;
    }

    /// <summary>Gives <paramref name="replacement"/> the case pattern of <paramref name="original"/>: all capitals, a capital first letter, or as is.</summary>
    public static string MatchCase(ReadOnlySpan<char> original, string replacement)
    {
        if (replacement.Length == 0 || original.Length == 0)
        {
            return replacement;
        }

        bool allUpper = original.Length > 1;
        foreach (char c in original)
        {
            allUpper &= !char.IsLetter(c) || char.IsUpper(c);
        }

        if (allUpper)
        {
            return replacement.ToUpperInvariant();
        }

        return char.IsUpper(original[0]) ? char.ToUpperInvariant(replacement[0]) + replacement[1..] : replacement;
    }

    /// <summary>Chooses round(fraction count) distinct indices of 0..count-1 uniformly (a partial Fisher-Yates shuffle), in ascending order.</summary>
    public static int[] Choose(ref Xoshiro256StarStar random, int count, double fraction)
    {
        int k = (int)Math.Round(fraction * count, MidpointRounding.AwayFromZero);
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        for (int i = 0; i < k; i++)
        {
            int j = i + AttackRandom.NextInt(ref random, count - i);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int[] chosen = order[..k];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Rebuilds a text with some word ranges replaced (ranges in ascending order, disjoint).</summary>
    public static string Replace(string text, IReadOnlyList<(int Start, int Length, string Replacement)> replacements)
    {
        var output = new StringBuilder(text.Length + 16);
        int written = 0;
        foreach ((int start, int length, string replacement) in replacements)
        {
            output.Append(text, written, start - written).Append(replacement);
            written = start + length;
        }

        return output.Append(text, written, text.Length - written).ToString();
    }

    /// <summary>Checks a fraction argument: in [0, 1].</summary>
    public static double CheckFraction(double fraction, string name) =>
        fraction is >= 0 and <= 1 ? fraction : throw new ArgumentOutOfRangeException(name, fraction, "The fraction must be between 0 and 1.");

    private static bool IsJoiner(char c) => c is '\'' or '\u2019' or '-';
}
