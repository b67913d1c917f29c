using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Distill.Tokenizers;

/// <summary>
/// Folds look-alike letters of other scripts into the Latin letters they imitate, one UTF-16 unit for
/// one, so that an attacker who swaps Latin letters for Cyrillic or Greek ones (or fullwidth forms)
/// does not change the token stream. Version 1 of the fold; its table and rule are frozen.
/// </summary>
/// <remarks>
/// <para>
/// The table is the subset of Unicode Technical Standard #39's confusables (<c>confusables.txt</c>,
/// type MA) whose prototype is one Latin letter or digit of Basic Latin or Latin-1: the Cyrillic and
/// Greek letters drawn like a, c, e, i, j, o, p, s, x, y, A, B, C, E, H, I, J, K, M, N, O, P, S, T, X,
/// Y, Z (and a few more), and the fullwidth ASCII letters and digits U+FF10..U+FF5A.
/// </para>
/// <para>
/// The rule keeps genuine Cyrillic and Greek text intact: a look-alike is folded when its word (a
/// maximal run of letters, marks and digits) also holds a Latin letter, or when the text's letters
/// that are not look-alikes are mostly Latin (so a short word made only of look-alikes, such as
/// Cyrillic "а" for "a", is folded in English text but not in Russian).
/// </para>
/// </remarks>
internal static class Confusables
{
    private static readonly FrozenDictionary<char, char> s_fold = Build();

    /// <summary>Returns whether any character of <paramref name="text"/> is in the table.</summary>
    internal static bool Contains(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (s_fold.ContainsKey(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Folds the look-alikes of <paramref name="text"/> in place, by the rule in the remarks.</summary>
    internal static void Fold(Span<char> text)
    {
        bool latinText = MostlyLatin(text);
        int i = 0;
        while (i < text.Length)
        {
            if (!IsWordChar(text[i]))
            {
                i++;
                continue;
            }

            int end = i;
            bool hasLatin = false;
            while (end < text.Length && IsWordChar(text[end]))
            {
                hasLatin |= IsLatinLetter(text[end]);
                end++;
            }

            if (hasLatin || latinText)
            {
                for (int k = i; k < end; k++)
                {
                    if (s_fold.TryGetValue(text[k], out char latin))
                    {
                        text[k] = latin;
                    }
                }
            }

            i = end;
        }
    }

    private static bool MostlyLatin(ReadOnlySpan<char> text)
    {
        int latin = 0, other = 0;
        foreach (char c in text)
        {
            if (IsLatinLetter(c))
            {
                latin++;
            }
            else if (char.IsLetter(c) && !s_fold.ContainsKey(c))
            {
                other++;
            }
        }

        return latin > other;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    // Basic Latin, Latin-1 and Latin Extended-A/B letters, and the fullwidth Latin letters (folded wherever they stand).
    private static bool IsLatinLetter(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '\uFF21' and <= '\uFF3A') or (>= '\uFF41' and <= '\uFF5A')
        || (c is >= '\u00C0' and <= '\u024F' && c != '\u00D7' && c != '\u00F7');

    private static FrozenDictionary<char, char> Build()
    {
        var map = new Dictionary<char, char>
        {
            // Cyrillic small letters.
            ['\u0430'] = 'a', ['\u0435'] = 'e', ['\u043E'] = 'o', ['\u0440'] = 'p', ['\u0441'] = 'c', ['\u0443'] = 'y',
            ['\u0445'] = 'x', ['\u0455'] = 's', ['\u0456'] = 'i', ['\u0458'] = 'j', ['\u04BB'] = 'h', ['\u04CF'] = 'l',
            ['\u0501'] = 'd', ['\u051B'] = 'q', ['\u051D'] = 'w', ['\u0451'] = '\u00EB', ['\u0457'] = '\u00EF',

            // Cyrillic capital letters.
            ['\u0410'] = 'A', ['\u0412'] = 'B', ['\u0415'] = 'E', ['\u041A'] = 'K', ['\u041C'] = 'M', ['\u041D'] = 'H',
            ['\u041E'] = 'O', ['\u0420'] = 'P', ['\u0421'] = 'C', ['\u0422'] = 'T', ['\u0425'] = 'X', ['\u0423'] = 'Y',
            ['\u0405'] = 'S', ['\u0406'] = 'I', ['\u0408'] = 'J', ['\u04AE'] = 'Y', ['\u04BA'] = 'H', ['\u04C0'] = 'I',
            ['\u051A'] = 'Q', ['\u051C'] = 'W', ['\u0401'] = '\u00CB', ['\u0407'] = '\u00CF',

            // Greek small letters.
            ['\u03BF'] = 'o', ['\u03B1'] = 'a', ['\u03BD'] = 'v', ['\u03C1'] = 'p', ['\u03B9'] = 'i', ['\u03C5'] = 'u',
            ['\u03B3'] = 'y', ['\u03F2'] = 'c', ['\u03F3'] = 'j',

            // Greek capital letters.
            ['\u0391'] = 'A', ['\u0392'] = 'B', ['\u0395'] = 'E', ['\u0396'] = 'Z', ['\u0397'] = 'H', ['\u0399'] = 'I',
            ['\u039A'] = 'K', ['\u039C'] = 'M', ['\u039D'] = 'N', ['\u039F'] = 'O', ['\u03A1'] = 'P', ['\u03A4'] = 'T',
            ['\u03A5'] = 'Y', ['\u03A7'] = 'X', ['\u03F9'] = 'C', ['\u037F'] = 'J',
        };

        // Fullwidth digits and letters.
        for (char c = '\uFF10'; c <= '\uFF19'; c++)
        {
            map[c] = (char)(c - 0xFEE0);
        }

        for (char c = '\uFF21'; c <= '\uFF3A'; c++)
        {
            map[c] = (char)(c - 0xFEE0);
        }

        for (char c = '\uFF41'; c <= '\uFF5A'; c++)
        {
            map[c] = (char)(c - 0xFEE0);
        }

        return map.ToFrozenDictionary();
    }
}
