using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Contracts ("do not" to "don't") or expands ("don't" to "do not") every English contraction of a
/// fixed table; the seed is ignored.
/// </summary>
/// <remarks>
/// <para>
/// The contraction attack of MarkMyWords (Piet et al. 2023) and TextAttack's
/// <c>WordSwapContract</c> / <c>WordSwapExpand</c>. The table (<see cref="Pairs"/>) holds the
/// unambiguous forms only; "'s" and "'d" are left alone (is or has, would or had). Matching ignores
/// case and takes the first letter's case; both the ASCII apostrophe and U+2019 are expanded, and
/// contractions are written with the ASCII apostrophe. <see cref="TextAttackResult.Substituted"/>
/// counts the replacements and <see cref="TextAttackResult.SourceCount"/> the words. Immutable and
/// thread-safe.
/// </para>
/// </remarks>
public sealed class ContractionAttack : TextAttack
{
    private readonly Regex _pattern;
    private readonly Dictionary<string, string> _map;

    /// <summary>Initializes the attack.</summary>
    /// <param name="expand"><see langword="true"/> to expand contractions, <see langword="false"/> to contract.</param>
    public ContractionAttack(bool expand)
    {
        Expand = expand;
        _map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var alternatives = new List<string>();
        foreach ((string full, string contracted) in Pairs)
        {
            string from = expand ? contracted : full;
            _map[from] = expand ? full : contracted;
            _map[from.Replace('\'', '\u2019')] = _map[from];
            alternatives.Add(Regex.Escape(from).Replace("'", "['\u2019]", StringComparison.Ordinal).Replace("\\ ", "\\s+", StringComparison.Ordinal));
        }

        alternatives.Sort((a, b) => b.Length.CompareTo(a.Length));
        _pattern = new Regex(@"\b(?:" + string.Join('|', alternatives) + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>Gets the table: each full form and its contraction.</summary>
    public static IReadOnlyList<(string Full, string Contracted)> Pairs { get; } =
    [
        ("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"), ("is not", "isn't"), ("are not", "aren't"),
        ("was not", "wasn't"), ("were not", "weren't"), ("have not", "haven't"), ("has not", "hasn't"), ("had not", "hadn't"),
        ("will not", "won't"), ("would not", "wouldn't"), ("could not", "couldn't"), ("should not", "shouldn't"),
        ("cannot", "can't"), ("must not", "mustn't"), ("need not", "needn't"), ("I am", "I'm"), ("you are", "you're"),
        ("we are", "we're"), ("they are", "they're"), ("I have", "I've"), ("you have", "you've"), ("we have", "we've"),
        ("they have", "they've"), ("I will", "I'll"), ("you will", "you'll"), ("he will", "he'll"), ("she will", "she'll"),
        ("we will", "we'll"), ("they will", "they'll"), ("it will", "it'll"), ("let us", "let's"),
    ];

    /// <summary>Gets whether the attack expands (<see langword="true"/>) or contracts.</summary>
    public bool Expand { get; }

    /// <inheritdoc/>
    public override TextAttackResult Apply(string text, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        int replaced = 0;
        string output = _pattern.Replace(text, match =>
        {
            replaced++;
            string key = Regex.Replace(match.Value, @"\s+", " ");
            return TextWords.MatchCase(match.Value.AsSpan(0, 1), _map[key]);
        });
        return new TextAttackResult(output, TextWords.Find(text).Count, replaced, 0, 0);
    }
}
