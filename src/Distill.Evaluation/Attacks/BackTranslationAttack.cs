using System;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// A dictionary back-translation round trip, word by word: each word goes to the other language
/// through <see cref="Forward"/> and back through <see cref="Backward"/>.
/// </summary>
/// <remarks>
/// <para>
/// An offline stand-in for the translation attack (He et al., "Can Watermarks Survive Translation?",
/// 2024; the CWRA attack): without a translation model the round trip is done per word with FreeDict
/// dictionaries (English-German and German-English in the evaluation). For each word of letters
/// (lower-cased for the lookup), the forward translation is drawn uniformly among the single-word
/// translations of the word, then the English word uniformly among the backward translations of that
/// one; a word with no translation either way is kept, and the result takes the original's case.
/// Grammar is not carried over (a plural may come back singular), as in a crude machine
/// translation. <see cref="TextAttackResult.Substituted"/> counts the words that came back different
/// and <see cref="TextAttackResult.SourceCount"/> the words. Deterministic for a seed; immutable and
/// thread-safe.
/// </para>
/// </remarks>
public sealed class BackTranslationAttack : TextAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="forward">The dictionary from the text's language to the other (for example <c>freedict-eng-deu</c>).</param>
    /// <param name="backward">The dictionary back (for example <c>freedict-deu-eng</c>).</param>
    /// <exception cref="ArgumentNullException">A dictionary is <see langword="null"/>.</exception>
    public BackTranslationAttack(BilingualLexicon forward, BilingualLexicon backward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        Forward = forward;
        Backward = backward;
    }

    /// <summary>Gets the dictionary to the other language.</summary>
    public BilingualLexicon Forward { get; }

    /// <summary>Gets the dictionary back.</summary>
    public BilingualLexicon Backward { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(int Start, int Length)> words = TextWords.Find(text);
        var random = new Xoshiro256StarStar(seed);
        var replacements = new List<(int, int, string)>();
        foreach ((int start, int length) in words)
        {
            string word = text.Substring(start, length);
            IReadOnlyList<string> there = Forward.Translations(word.ToLowerInvariant());
            if (there.Count == 0)
            {
                continue;
            }

            IReadOnlyList<string> back = Backward.Translations(there[AttackRandom.NextInt(ref random, there.Count)]);
            if (back.Count == 0)
            {
                continue;
            }

            string result = TextWords.MatchCase(word, back[AttackRandom.NextInt(ref random, back.Count)].ToLowerInvariant());
            if (!string.Equals(result, word, StringComparison.Ordinal))
            {
                replacements.Add((start, length, result));
            }
        }

        return new TextAttackResult(TextWords.Replace(text, replacements), words.Count, replacements.Count, 0, 0);
    }
}
