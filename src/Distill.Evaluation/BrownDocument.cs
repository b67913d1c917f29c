using System;

namespace Distill.Evaluation;

/// <summary>One document of the Brown Corpus (see <see cref="BrownCorpus"/>).</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class BrownDocument
{
    internal BrownDocument(int index, string id, string text)
    {
        Index = index;
        Id = id;
        Text = text;
        Genre = char.ToUpperInvariant(id[1]);
        GenreName = GetGenreName(Genre);
    }

    /// <summary>Gets the document's 0-based position in the corpus (its line index in the data file).</summary>
    public int Index { get; }

    /// <summary>Gets the Brown document id, such as <c>ca01</c>.</summary>
    public string Id { get; }

    /// <summary>Gets the Brown genre letter, <c>A</c> to <c>R</c> (the id's second character, upper-cased).</summary>
    public char Genre { get; }

    /// <summary>Gets the genre's name, such as <c>Press: reportage</c>.</summary>
    public string GenreName { get; }

    /// <summary>Gets the document's text (about 2,000 words, on one line).</summary>
    public string Text { get; }

    /// <summary>Gets a value indicating whether the document is held out from training (see <see cref="BrownCorpus.IsHeldOutIndex(int)"/>).</summary>
    public bool IsHeldOut => BrownCorpus.IsHeldOutIndex(Index);

    /// <summary>Returns the document id.</summary>
    /// <returns><see cref="Id"/>.</returns>
    public override string ToString() => Id;

    private static string GetGenreName(char genre) => genre switch
    {
        'A' => "Press: reportage",
        'B' => "Press: editorial",
        'C' => "Press: reviews",
        'D' => "Religion",
        'E' => "Skill and hobbies",
        'F' => "Popular lore",
        'G' => "Belles-lettres",
        'H' => "Miscellaneous: government and house organs",
        'J' => "Learned",
        'K' => "Fiction: general",
        'L' => "Fiction: mystery and detective",
        'M' => "Fiction: science",
        'N' => "Fiction: adventure and western",
        'P' => "Fiction: romance and love story",
        'R' => "Humor",
        _ => throw new InvalidOperationException($"Unknown Brown genre '{genre}'."),
    };
}
