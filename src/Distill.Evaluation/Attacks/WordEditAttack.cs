using System;
using System.Collections.Generic;
using System.Text;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Random word substitution, insertion and deletion at given rates (see <see cref="EditRates"/>) on
/// text whose words are separated by whitespace, with new words drawn from a vocabulary.
/// </summary>
/// <remarks>
/// <para>
/// A word is a maximal run of non-whitespace characters (punctuation stays attached). For each
/// source word, in order: with probability <see cref="EditRates.Insertion"/> a drawn word is
/// inserted before it; then it is deleted with probability <see cref="EditRates.Deletion"/>; a word
/// that is kept is replaced with probability <see cref="EditRates.Substitution"/> by a drawn word
/// that differs from it (redrawn a bounded number of times).
/// </para>
/// <para>
/// Whitespace is kept: the output has the source's leading and trailing whitespace, each kept word
/// is followed by the whitespace that followed the last kept word before a deletion, and an inserted
/// word is followed by one space. Draw the vocabulary from text the watermark never touched, for
/// example the words of held-out Brown documents: a list with repetitions draws words by their
/// frequency, a list of distinct words draws them uniformly. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class WordEditAttack : TextAttack
{
    private const int MaxRedraws = 64;
    private readonly string[] _vocabulary;

    /// <summary>Initializes the attack.</summary>
    /// <param name="rates">The substitution, insertion and deletion rates.</param>
    /// <param name="vocabulary">The words substituted and inserted words are drawn from (uniformly by position in the list).</param>
    /// <exception cref="ArgumentNullException"><paramref name="rates"/> or <paramref name="vocabulary"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="vocabulary"/> is empty, or holds a null or empty word or one containing whitespace.</exception>
    public WordEditAttack(EditRates rates, IEnumerable<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(vocabulary);
        _vocabulary = [.. vocabulary];
        if (_vocabulary.Length == 0)
        {
            throw new ArgumentException("The vocabulary needs at least one word.", nameof(vocabulary));
        }

        foreach (string word in _vocabulary)
        {
            if (string.IsNullOrEmpty(word) || ContainsWhitespace(word))
            {
                throw new ArgumentException($"Vocabulary words must be non-empty and contain no whitespace; got \"{word}\".", nameof(vocabulary));
            }
        }

        Rates = rates;
    }

    /// <summary>Gets the edit rates.</summary>
    public EditRates Rates { get; }

    /// <summary>Gets the number of words in the vocabulary (repetitions included).</summary>
    public int VocabularyCount => _vocabulary.Length;

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var random = new Xoshiro256StarStar(seed);
        var output = new StringBuilder(text.Length + 16);
        int substituted = 0, inserted = 0, deleted = 0, words = 0;

        int position = 0;
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        output.Append(text, 0, position);

        // The separator to write before the next word: empty until a word has been written.
        string pending = string.Empty;
        string trailing = string.Empty;
        while (position < text.Length)
        {
            int start = position;
            while (position < text.Length && !char.IsWhiteSpace(text[position]))
            {
                position++;
            }

            ReadOnlySpan<char> word = text.AsSpan(start, position - start);
            int separatorStart = position;
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }

            string separator = text[separatorStart..position];
            bool last = position == text.Length;
            words++;

            if (AttackRandom.Bernoulli(ref random, Rates.Insertion))
            {
                output.Append(pending).Append(_vocabulary[AttackRandom.NextInt(ref random, _vocabulary.Length)]);
                pending = " ";
                inserted++;
            }

            if (AttackRandom.Bernoulli(ref random, Rates.Deletion))
            {
                deleted++;
            }
            else
            {
                output.Append(pending);
                if (AttackRandom.Bernoulli(ref random, Rates.Substitution))
                {
                    output.Append(DrawOther(ref random, word));
                    substituted++;
                }
                else
                {
                    output.Append(word);
                }

                pending = separator;
            }

            if (last)
            {
                trailing = separator;
            }
        }

        // The pending separator after the last written word is the source's trailing whitespace.
        output.Append(trailing);
        return new TextAttackResult(output.ToString(), words, substituted, inserted, deleted);
    }

    private string DrawOther(ref Xoshiro256StarStar random, ReadOnlySpan<char> original)
    {
        string drawn = _vocabulary[AttackRandom.NextInt(ref random, _vocabulary.Length)];
        for (int attempt = 0; attempt < MaxRedraws && original.SequenceEqual(drawn); attempt++)
        {
            drawn = _vocabulary[AttackRandom.NextInt(ref random, _vocabulary.Length)];
        }

        return drawn;
    }

    private static bool ContainsWhitespace(string word)
    {
        foreach (char c in word)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }
}
