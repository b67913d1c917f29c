using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Evaluation.Attacks;

namespace Distill.Evaluation.Runner;

/// <summary>
/// One attack of the evaluation grid: a name, a description, and how the runner applies it to a
/// watermarked generation (the attacks themselves are in <see cref="Distill.Evaluation.Attacks"/>).
/// </summary>
/// <remarks>
/// For a column of <c>n</c> tokens the attacker receives the first <c>n</c> generated tokens (or,
/// for dilution, <c>round(f n)</c> of them pasted into <c>n</c> human tokens), so the attacked
/// stream that is detected can be a few tokens longer or shorter than <c>n</c>. Instances are
/// immutable and thread-safe.
/// </remarks>
public sealed class EvaluationAttack
{
    private static readonly Lazy<WordNetDatabase> s_wordNet = new(() => WordNetDatabase.Load());
    private static readonly Lazy<BilingualLexicon> s_english = new(() => BilingualLexicon.Load("freedict-eng-deu"));
    private static readonly Lazy<BilingualLexicon> s_german = new(() => BilingualLexicon.Load("freedict-deu-eng"));

    private EvaluationAttack(string name, string description, EvaluationAttackKind kind, EditRates? rates = null, DilutionOptions? dilution = null)
    {
        Name = name;
        Description = description;
        Kind = kind;
        Rates = rates;
        Dilution = dilution;
    }

    private EvaluationAttack(string name, string description, Func<TextAttack> createText, bool normalize = true, bool foldConfusables = false)
        : this(name, description, EvaluationAttackKind.Text)
    {
        CreateText = createText;
        Normalize = normalize;
        FoldConfusables = foldConfusables;
    }

    /// <summary>Gets no attack: the generated tokens as emitted.</summary>
    public static EvaluationAttack None { get; } = new("none", "no attack (the generated tokens as emitted)", EvaluationAttackKind.None);

    /// <summary>
    /// Gets the grid: none; token substitution 10% and 30%, insertion 10%, deletion 10% (tokens drawn
    /// from the model's seen vocabulary); word substitution 10% (words of held-out Brown
    /// documents, through text); copy-paste dilution of 10%, 25% and 50% watermarked tokens in 1
    /// and 3 segments into held-out human text; the emoji attack; retokenization through text.
    /// </summary>
    public static IReadOnlyList<EvaluationAttack> All { get; } =
    [
        None,
        new("token-sub-10", "10% of tokens substituted", EvaluationAttackKind.TokenEdit, rates: new EditRates(substitution: 0.10)),
        new("token-sub-30", "30% of tokens substituted", EvaluationAttackKind.TokenEdit, rates: new EditRates(substitution: 0.30)),
        new("token-ins-10", "a token inserted before 10% of tokens", EvaluationAttackKind.TokenEdit, rates: new EditRates(insertion: 0.10)),
        new("token-del-10", "10% of tokens deleted", EvaluationAttackKind.TokenEdit, rates: new EditRates(deletion: 0.10)),
        new("word-sub-10", "10% of words substituted, through text", EvaluationAttackKind.WordEdit, rates: new EditRates(substitution: 0.10)),
        new("paste-10-1", "10% watermarked, 1 segment in human text", EvaluationAttackKind.Dilution, dilution: new DilutionOptions(0.10, 1)),
        new("paste-10-3", "10% watermarked, 3 segments in human text", EvaluationAttackKind.Dilution, dilution: new DilutionOptions(0.10, 3)),
        new("paste-25-1", "25% watermarked, 1 segment in human text", EvaluationAttackKind.Dilution, dilution: new DilutionOptions(0.25, 1)),
        new("paste-25-3", "25% watermarked, 3 segments in human text", EvaluationAttackKind.Dilution, dilution: new DilutionOptions(0.25, 3)),
        new("paste-50-1", "50% watermarked, 1 segment in human text", EvaluationAttackKind.Dilution, dilution: new DilutionOptions(0.50, 1)),
        new("paste-50-3", "50% watermarked, 3 segments in human text", EvaluationAttackKind.Dilution, dilution: new DilutionOptions(0.50, 3)),
        new("emoji", "emoji attack (a marker after every word, then removed)", EvaluationAttackKind.Emoji),
        new("retokenize", "decoded to text and encoded again", EvaluationAttackKind.Retokenization),
    ];

    /// <summary>
    /// Gets the offline attack matrix (<c>distill evaluate --matrix</c>; see docs/evaluation.md): none;
    /// WordNet synonym substitution of 25%, 50% and 75% of eligible words; typos in 10% and 25% of
    /// words; contractions expanded and contracted; lower case; 25% of words swapped with a
    /// neighbour; homoglyphs for 10% of eligible letters and a zero-width space in 50% of words, each
    /// detected with the library's normalization (the <c>TextTokenizer</c> path) and without it
    /// (<c>-raw</c>); a word-by-word English-German-English dictionary round trip. Every one goes
    /// through text: decoded, attacked, encoded again. The synonym attacks need WordNet (Debian
    /// <c>wordnet-base</c>) and the round trip the FreeDict dictionaries (<c>dict-freedict-eng-deu</c>,
    /// <c>dict-freedict-deu-eng</c>); last, the homoglyphs again with the confusables fold
    /// (<c>homoglyph-10-fold</c>, <c>TextTokenizer.WithConfusablesFolded</c>).
    /// </summary>
    public static IReadOnlyList<EvaluationAttack> Matrix { get; } =
    [
        None,
        new("synonym-25", "WordNet synonyms for 25% of eligible words", () => new SynonymAttack(s_wordNet.Value, 0.25)),
        new("synonym-50", "WordNet synonyms for 50% of eligible words", () => new SynonymAttack(s_wordNet.Value, 0.50)),
        new("synonym-75", "WordNet synonyms for 75% of eligible words", () => new SynonymAttack(s_wordNet.Value, 0.75)),
        new("typo-10", "one typo (adjacent key, deletion, transposition, doubling) in 10% of words", () => new TypoAttack(0.10)),
        new("typo-25", "one typo in 25% of words", () => new TypoAttack(0.25)),
        new("contract", "contractions made (do not: don't)", () => new ContractionAttack(expand: false)),
        new("expand", "contractions expanded (don't: do not)", () => new ContractionAttack(expand: true)),
        new("lowercase", "whole text lower-cased", () => new LowercaseAttack()),
        new("word-swap-25", "25% of words swapped with a neighbour", () => new WordSwapAttack(0.25)),
        new("homoglyph-10", "Cyrillic look-alikes for 10% of eligible letters, normalized", () => new HomoglyphAttack(0.10)),
        new("homoglyph-10-raw", "Cyrillic look-alikes for 10% of eligible letters, not normalized", () => new HomoglyphAttack(0.10), normalize: false),
        new("zero-width-50", "a zero-width space inside 50% of words, normalized", () => new ZeroWidthAttack(0.50)),
        new("zero-width-50-raw", "a zero-width space inside 50% of words, not normalized", () => new ZeroWidthAttack(0.50), normalize: false),
        new("back-translate", "word-by-word English-German-English dictionary round trip (FreeDict)", () => new BackTranslationAttack(s_english.Value, s_german.Value)),

        // Added after the others: an attack's seed depends on its index, so appending keeps the earlier rows' figures.
        new("homoglyph-10-fold", "Cyrillic look-alikes for 10% of eligible letters, normalized with the confusables fold", () => new HomoglyphAttack(0.10), foldConfusables: true),
    ];

    /// <summary>Gets the name used on the command line and in tables, for example <c>token-sub-10</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the attack in words.</summary>
    public string Description { get; }

    internal EvaluationAttackKind Kind { get; }

    internal EditRates? Rates { get; }

    internal DilutionOptions? Dilution { get; }

    /// <summary>Gets the factory of a text attack (<see cref="EvaluationAttackKind.Text"/>).</summary>
    internal Func<TextAttack>? CreateText { get; }

    /// <summary>Gets whether a text attack's output is encoded through the library's normalizer (<see langword="true"/>) or without it.</summary>
    internal bool Normalize { get; } = true;

    /// <summary>Gets whether the normalizer also folds look-alike letters (<c>TextTokenizer.WithConfusablesFolded</c>).</summary>
    internal bool FoldConfusables { get; }

    /// <summary>Finds attacks by name.</summary>
    /// <param name="names">Names from <see cref="All"/> or <see cref="Matrix"/>.</param>
    /// <returns>The attacks, in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public static IReadOnlyList<EvaluationAttack> Select(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        EvaluationAttack[] known = [.. All, .. Matrix.Skip(1)];
        return [.. names.Select(name => known.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown attack '{name}'. Attacks: {string.Join(", ", known.Select(a => a.Name))}.", nameof(names)))];
    }

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
