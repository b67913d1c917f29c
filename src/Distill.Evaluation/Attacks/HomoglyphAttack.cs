using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Replaces a fraction of the Latin letters that have a Cyrillic look-alike (<see cref="Homoglyphs"/>)
/// with it: the text reads the same, its bytes and tokens do not.
/// </summary>
/// <remarks>
/// The homoglyph attack of Gabrilovich and Gontmakher (2002) as used against watermarks (Kirchenbauer
/// et al. 2023, §7; MarkMyWords). Exactly round(fraction x eligible) letters, chosen uniformly among
/// the letters that have a look-alike, are replaced (<see cref="TextAttackResult.Substituted"/>;
/// <see cref="TextAttackResult.SourceCount"/> counts the eligible letters). The library's
/// <see cref="Distill.Tokenizers.TextNormalizer"/> does not fold homoglyphs (NFC keeps Cyrillic
/// letters), so this attack measures what a deployment loses without a confusables fold. Immutable
/// and thread-safe.
/// </remarks>
public sealed class HomoglyphAttack : TextAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="fraction">The fraction of eligible letters replaced, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1] or NaN.</exception>
    public HomoglyphAttack(double fraction) => Fraction = TextWords.CheckFraction(fraction, nameof(fraction));

    /// <summary>Gets the Latin letters and their Cyrillic look-alikes (Unicode confusables).</summary>
    public static IReadOnlyDictionary<char, char> Homoglyphs { get; } = new Dictionary<char, char>
    {
        ['a'] = '\u0430', ['c'] = '\u0441', ['e'] = '\u0435', ['i'] = '\u0456', ['j'] = '\u0458', ['o'] = '\u043E', ['p'] = '\u0440',
        ['s'] = '\u0455', ['x'] = '\u0445', ['y'] = '\u0443', ['A'] = '\u0410', ['B'] = '\u0412', ['C'] = '\u0421', ['E'] = '\u0415',
        ['H'] = '\u041D', ['I'] = '\u0406', ['J'] = '\u0408', ['K'] = '\u041A', ['M'] = '\u041C', ['O'] = '\u041E', ['P'] = '\u0420',
        ['S'] = '\u0405', ['T'] = '\u0422', ['X'] = '\u0425',
    }.ToFrozenDictionary();

    /// <summary>Gets the fraction of eligible letters replaced.</summary>
    public double Fraction { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eligible = new List<int>();
        for (int i = 0; i < text.Length; i++)
        {
            if (Homoglyphs.ContainsKey(text[i]))
            {
                eligible.Add(i);
            }
        }

        var random = new Xoshiro256StarStar(seed);
        char[] chars = text.ToCharArray();
        int[] chosen = TextWords.Choose(ref random, eligible.Count, Fraction);
        foreach (int i in chosen)
        {
            chars[eligible[i]] = Homoglyphs[chars[eligible[i]]];
        }

        return new TextAttackResult(new string(chars), eligible.Count, chosen.Length, 0, 0);
    }
}
