using System;
using Distill.Tokenizers;

namespace Distill.Evaluation;

/// <summary>
/// A run of consecutive tokens of one corpus document, with the document text it covers; used as
/// human-written text for calibration and as prompts.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CorpusPassage
{
    private readonly TokenizedText _encoding;

    internal CorpusPassage(BrownDocument document, TokenizedText encoding, int startToken, int tokenCount)
    {
        Document = document;
        _encoding = encoding;
        StartToken = startToken;
        Tokens = encoding.Ids.Slice(startToken, tokenCount);
        Span = encoding.GetOriginalSpan(startToken, tokenCount);
        Text = document.Text.Substring(Span.Start, Span.Length);
    }

    /// <summary>Gets the document the passage comes from.</summary>
    public BrownDocument Document { get; }

    /// <summary>Gets the index of the passage's first token in the document's token sequence.</summary>
    public int StartToken { get; }

    /// <summary>Gets the passage's token ids.</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Gets the number of tokens.</summary>
    public int TokenCount => Tokens.Length;

    /// <summary>Gets the passage's span in the document's text.</summary>
    public TextSpan Span { get; }

    /// <summary>
    /// Gets the document text the passage's tokens cover. Where the passage starts or ends inside a
    /// character split over two tokens, the whole character is included.
    /// </summary>
    public string Text { get; }

    /// <summary>Gets a shorter passage inside this one, such as a prompt and its human continuation.</summary>
    /// <param name="start">The index of the first token, relative to this passage.</param>
    /// <param name="length">The number of tokens.</param>
    /// <returns>The sub-passage.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within this passage.</exception>
    public CorpusPassage Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, TokenCount - length, nameof(start));
        return new CorpusPassage(Document, _encoding, StartToken + start, length);
    }

    /// <summary>Returns the document id and token range, for diagnostics.</summary>
    /// <returns>A string such as <c>ca01[200, 400)</c>.</returns>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Document.Id}[{StartToken}, {StartToken + TokenCount})");
}
