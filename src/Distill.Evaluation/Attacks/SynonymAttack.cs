using System;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// WordNet synonym substitution: a fraction of the eligible words, chosen uniformly, each replaced by
/// one of its WordNet synonyms (<see cref="WordNetDatabase.Synonyms"/>), drawn uniformly.
/// </summary>
/// <remarks>
/// <para>
/// The lexical attack of TextAttack's <c>WordSwapWordNet</c> and of Kirchenbauer et al.'s and
/// MarkMyWords' synonym attacks, without a part-of-speech tagger: a word is eligible when it is made
/// of ASCII letters, is not one of the function words in <see cref="StopWords"/>, and has at least one
/// single-word synonym in some part of speech. Exactly round(fraction x eligible) words are replaced
/// (<see cref="TextAttackResult.Substituted"/>; <see cref="TextAttackResult.SourceCount"/> counts the
/// eligible words). The replacement takes the original's case (all capitals, capital first letter).
/// Punctuation and spacing are kept. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class SynonymAttack : TextAttack
{
    /// <summary>Gets the function words that are never replaced (WordNet lists some as nouns, such as "a" for vitamin A).</summary>
    public static IReadOnlySet<string> StopWords { get; } = FrozenSet.ToFrozenSet(
    [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because",
        "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
        "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
        "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my",
        "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
        "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
        "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
        "your", "yours", "yourself", "yourselves", "one", "s", "t", "mr", "mrs", "may", "might", "must", "shall", "also",
    ], StringComparer.Ordinal);

    /// <summary>Initializes the attack.</summary>
    /// <param name="wordNet">The database the synonyms come from.</param>
    /// <param name="fraction">The fraction of eligible words replaced, in [0, 1].</param>
    /// <exception cref="ArgumentNullException"><paramref name="wordNet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1] or NaN.</exception>
    public SynonymAttack(WordNetDatabase wordNet, double fraction)
    {
        ArgumentNullException.ThrowIfNull(wordNet);
        WordNet = wordNet;
        Fraction = TextWords.CheckFraction(fraction, nameof(fraction));
    }

    /// <summary>Gets the database the synonyms come from.</summary>
    public WordNetDatabase WordNet { get; }

    /// <summary>Gets the fraction of eligible words replaced.</summary>
    public double Fraction { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eligible = new List<(int Start, int Length, IReadOnlyList<string> Synonyms)>();
        foreach ((int start, int length) in TextWords.Find(text))
        {
            ReadOnlySpan<char> word = text.AsSpan(start, length);
            if (!TextWords.IsAsciiLetters(word))
            {
                continue;
            }

            string lower = word.ToString().ToLowerInvariant();
            if (!StopWords.Contains(lower) && WordNet.Synonyms(lower) is { Count: > 0 } synonyms)
            {
                eligible.Add((start, length, synonyms));
            }
        }

        var random = new Xoshiro256StarStar(seed);
        var replacements = new List<(int, int, string)>();
        foreach (int i in TextWords.Choose(ref random, eligible.Count, Fraction))
        {
            (int start, int length, IReadOnlyList<string> synonyms) = eligible[i];
            string synonym = synonyms[AttackRandom.NextInt(ref random, synonyms.Count)];
            replacements.Add((start, length, TextWords.MatchCase(text.AsSpan(start, length), synonym)));
        }

        return new TextAttackResult(TextWords.Replace(text, replacements), eligible.Count, replacements.Count, 0, 0);
    }
}
