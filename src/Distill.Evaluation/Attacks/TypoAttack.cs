using System;
using System.Collections.Generic;
using System.Numerics;
using System.Text;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Typing errors and misspellings: a fraction of the words, chosen uniformly, each given one error of
/// a kind drawn uniformly from <see cref="Kinds"/> at a letter drawn uniformly.
/// </summary>
/// <remarks>
/// <para>
/// The four single-edit errors of Damerau's study of spelling errors (substitution, deletion,
/// transposition, insertion), which cover about 80% of real misspellings; substitutions use the
/// neighbouring keys of a QWERTY keyboard and insertions double a letter, as human typists do (the
/// "typo" attacks of MarkMyWords, Piet et al. 2023). A word is eligible when it has at least two
/// letters; exactly round(fraction x eligible) words are changed
/// (<see cref="TextAttackResult.Substituted"/>; <see cref="TextAttackResult.SourceCount"/> counts the
/// eligible words). A transposition needs two neighbouring different letters and a word without them
/// gets a doubling instead. Case is kept. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class TypoAttack : TextAttack
{
    private static readonly string[] s_rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

    /// <summary>Initializes the attack.</summary>
    /// <param name="fraction">The fraction of eligible words given an error, in [0, 1].</param>
    /// <param name="kinds">The kinds of error drawn from; <see cref="TypoKinds.All"/> by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1] or NaN, or <paramref name="kinds"/> names no kind.</exception>
    public TypoAttack(double fraction, TypoKinds kinds = TypoKinds.All)
    {
        Fraction = TextWords.CheckFraction(fraction, nameof(fraction));
        if ((kinds & TypoKinds.All) == TypoKinds.None || (kinds & ~TypoKinds.All) != TypoKinds.None)
        {
            throw new ArgumentOutOfRangeException(nameof(kinds), kinds, "Name at least one kind of error, and only the kinds of TypoKinds.");
        }

        Kinds = kinds;
    }

    /// <summary>Gets the fraction of eligible words given an error.</summary>
    public double Fraction { get; }

    /// <summary>Gets the kinds of error drawn from.</summary>
    public TypoKinds Kinds { get; }

    /// <summary>Returns the letters next to a letter on a QWERTY keyboard (same row and the rows above and below, offset as on a keyboard).</summary>
    /// <param name="letter">A letter a to z (either case).</param>
    /// <returns>The neighbours in lower case; empty for other characters.</returns>
    public static string KeyboardNeighbours(char letter)
    {
        char c = char.ToLowerInvariant(letter);
        var result = new StringBuilder(8);
        for (int r = 0; r < s_rows.Length; r++)
        {
            int column = s_rows[r].IndexOf(c, StringComparison.Ordinal);
            if (column < 0)
            {
                continue;
            }

            // Row r+1 is shifted half a key right of row r: key j of the row below touches keys j-1 and j of this row.
            for (int other = Math.Max(0, r - 1); other <= Math.Min(s_rows.Length - 1, r + 1); other++)
            {
                int from = other == r ? column - 1 : other < r ? column : column - 1;
                int to = other == r ? column + 1 : other < r ? column + 1 : column;
                for (int j = Math.Max(0, from); j <= Math.Min(s_rows[other].Length - 1, to); j++)
                {
                    if (s_rows[other][j] != c)
                    {
                        result.Append(s_rows[other][j]);
                    }
                }
            }
        }

        return result.ToString();
    }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eligible = new List<(int Start, int Length)>();
        foreach ((int start, int length) in TextWords.Find(text))
        {
            if (Letters(text.AsSpan(start, length)) >= 2)
            {
                eligible.Add((start, length));
            }
        }

        TypoKinds[] kinds = [.. Enum.GetValues<TypoKinds>()];
        kinds = Array.FindAll(kinds, k => BitOperations.IsPow2((int)k) && (Kinds & k) != 0);
        var random = new Xoshiro256StarStar(seed);
        var replacements = new List<(int, int, string)>();
        foreach (int i in TextWords.Choose(ref random, eligible.Count, Fraction))
        {
            (int start, int length) = eligible[i];
            TypoKinds kind = kinds[AttackRandom.NextInt(ref random, kinds.Length)];
            replacements.Add((start, length, Misspell(text.Substring(start, length), kind, ref random)));
        }

        return new TextAttackResult(TextWords.Replace(text, replacements), eligible.Count, replacements.Count, 0, 0);
    }

    private static string Misspell(string word, TypoKinds kind, ref Xoshiro256StarStar random)
    {
        var letters = new List<int>();
        for (int i = 0; i < word.Length; i++)
        {
            if (char.IsLetter(word[i]))
            {
                letters.Add(i);
            }
        }

        if (kind == TypoKinds.Transposition)
        {
            var pairs = new List<int>();
            for (int i = 0; i + 1 < word.Length; i++)
            {
                if (char.IsLetter(word[i]) && char.IsLetter(word[i + 1]) && char.ToLowerInvariant(word[i]) != char.ToLowerInvariant(word[i + 1]))
                {
                    pairs.Add(i);
                }
            }

            if (pairs.Count > 0)
            {
                int p = pairs[AttackRandom.NextInt(ref random, pairs.Count)];
                char[] chars = word.ToCharArray();
                (chars[p], chars[p + 1]) = (chars[p + 1], chars[p]);
                return new string(chars);
            }

            kind = TypoKinds.Doubling;
        }

        if (kind == TypoKinds.AdjacentKey)
        {
            var keyed = letters.FindAll(i => KeyboardNeighbours(word[i]).Length > 0);
            if (keyed.Count > 0)
            {
                int at = keyed[AttackRandom.NextInt(ref random, keyed.Count)];
                string neighbours = KeyboardNeighbours(word[at]);
                char replacement = neighbours[AttackRandom.NextInt(ref random, neighbours.Length)];
                return string.Concat(word.AsSpan(0, at), char.IsUpper(word[at]) ? char.ToUpperInvariant(replacement).ToString() : replacement.ToString(), word.AsSpan(at + 1));
            }

            kind = TypoKinds.Doubling;
        }

        int position = letters[AttackRandom.NextInt(ref random, letters.Count)];
        return kind == TypoKinds.Deletion
            ? word.Remove(position, 1)
            : word.Insert(position, word[position].ToString());
    }

    private static int Letters(ReadOnlySpan<char> word)
    {
        int count = 0;
        foreach (char c in word)
        {
            count += char.IsLetter(c) ? 1 : 0;
        }

        return count;
    }
}
