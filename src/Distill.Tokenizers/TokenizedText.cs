using System;
using System.Diagnostics;

namespace Distill.Tokenizers;

/// <summary>
/// The result of <see cref="TextTokenizer.Encode(string)"/>: token ids with, for every token, its
/// character span in the normalized text and in the caller's original text.
/// </summary>
/// <remarks>
/// <para>
/// Byte-pair encodings work on UTF-8 bytes, so one character can be split over several tokens.
/// Every token whose bytes touch a character includes that whole character in its span; the spans
/// of neighbouring tokens then overlap. Span starts and ends never decrease from one token to the next.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class TokenizedText
{
    private readonly int[] _ids;
    private readonly int[] _starts;
    private readonly int[] _lengths;

    internal TokenizedText(NormalizedText normalized, int[] ids, int[] starts, int[] lengths)
    {
        Debug.Assert(ids.Length == starts.Length && ids.Length == lengths.Length);
        Normalized = normalized;
        _ids = ids;
        _starts = starts;
        _lengths = lengths;
    }

    /// <summary>Gets the normalized text with its map back to the original text.</summary>
    internal NormalizedText Normalized { get; }

    /// <summary>Gets the normalized text that was tokenized.</summary>
    public string Text => Normalized.Text;

    /// <summary>Gets the caller's original text.</summary>
    public string OriginalText => Normalized.Original;

    /// <summary>Gets the number of tokens.</summary>
    public int Count => _ids.Length;

    /// <summary>Gets the token ids.</summary>
    public ReadOnlyMemory<int> Ids => _ids;

    /// <summary>Gets the span of one token in the normalized text (<see cref="Text"/>).</summary>
    /// <param name="tokenIndex">The index of the token, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The token's character span in <see cref="Text"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenIndex"/> is out of range.</exception>
    public TextSpan GetSpan(int tokenIndex) => GetSpan(tokenIndex, 1);

    /// <summary>Gets the span of a run of consecutive tokens in the normalized text (<see cref="Text"/>).</summary>
    /// <param name="firstToken">The index of the run's first token.</param>
    /// <param name="tokenCount">The number of tokens in the run; 0 gives an empty span where the run would start.</param>
    /// <returns>The characters from the first token's start to the last token's end.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The run does not lie within the tokens.</exception>
    public TextSpan GetSpan(int firstToken, int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstToken);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstToken, _ids.Length - tokenCount, nameof(firstToken));
        if (tokenCount == 0)
        {
            int at = firstToken < _ids.Length ? _starts[firstToken] : Text.Length;
            return new TextSpan(at, 0);
        }

        int last = firstToken + tokenCount - 1;
        return TextSpan.FromBounds(_starts[firstToken], _starts[last] + _lengths[last]);
    }

    /// <summary>Gets the span of one token in the caller's original text (<see cref="OriginalText"/>).</summary>
    /// <param name="tokenIndex">The index of the token, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The smallest span of <see cref="OriginalText"/> that produced the token's characters.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenIndex"/> is out of range.</exception>
    public TextSpan GetOriginalSpan(int tokenIndex) => GetOriginalSpan(tokenIndex, 1);

    /// <summary>Gets the span of a run of consecutive tokens in the caller's original text (<see cref="OriginalText"/>).</summary>
    /// <param name="firstToken">The index of the run's first token.</param>
    /// <param name="tokenCount">The number of tokens in the run.</param>
    /// <returns>
    /// The smallest span of <see cref="OriginalText"/> that produced the run's characters, including
    /// invisible characters that normalization removed between them. Use it to show a detected
    /// region in the text the user supplied.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">The run does not lie within the tokens.</exception>
    public TextSpan GetOriginalSpan(int firstToken, int tokenCount) => Normalized.ToOriginalSpan(GetSpan(firstToken, tokenCount));
}
