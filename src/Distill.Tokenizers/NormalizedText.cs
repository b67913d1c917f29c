using System;
using System.Diagnostics;

namespace Distill.Tokenizers;

/// <summary>
/// The result of <see cref="TextNormalizer.Normalize(string)"/>: the normalized text, the original
/// text, and the map from every normalized character back to the original characters it came from.
/// </summary>
/// <remarks>
/// <para>
/// Each normalized character has an original span. A character that was copied unchanged maps to
/// exactly one original character. A character produced by Unicode composition (for example
/// <c>e</c> followed by U+0301 becoming <c>é</c>) maps to the whole group of original characters that
/// was normalized together. Removed invisible characters belong to no normalized character, but a
/// span of several normalized characters covers the removed characters between them.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
internal sealed class NormalizedText
{
    // Per normalized char: the original span [_starts[i], _ends[i]). Both null when Text == Original.
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    internal NormalizedText(string original, string text, int[]? starts, int[]? ends)
    {
        Debug.Assert((starts is null) == (ends is null));
        Debug.Assert(starts is null ? ReferenceEquals(original, text) : starts.Length == text.Length && ends!.Length == text.Length);
        Original = original;
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    /// <summary>Returns the same map over a text of the same length whose characters were replaced one for one (the confusables fold).</summary>
    internal NormalizedText WithText(string text)
    {
        Debug.Assert(text.Length == Text.Length);
        if (_starts is not null)
        {
            return new NormalizedText(Original, text, _starts, _ends);
        }

        int[] starts = new int[text.Length];
        int[] ends = new int[text.Length];
        for (int i = 0; i < starts.Length; i++)
        {
            starts[i] = i;
            ends[i] = i + 1;
        }

        return new NormalizedText(Original, text, starts, ends);
    }

    /// <summary>Gets the caller's text, exactly as given.</summary>
    public string Original { get; }

    /// <summary>Gets the normalized text.</summary>
    public string Text { get; }

    /// <summary>Gets a value indicating whether normalization left the text unchanged.</summary>
    public bool IsUnchanged => _starts is null;

    /// <summary>Maps an index in <see cref="Text"/> to the index of the first original character it came from.</summary>
    /// <param name="normalizedIndex">
    /// An index in <see cref="Text"/>, from 0 to <c>Text.Length</c> inclusive;
    /// <c>Text.Length</c> maps to <c>Original.Length</c>.
    /// </param>
    /// <returns>The corresponding index in <see cref="Original"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normalizedIndex"/> is negative or greater than <c>Text.Length</c>.</exception>
    public int ToOriginalIndex(int normalizedIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(normalizedIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(normalizedIndex, Text.Length);
        if (_starts is null)
        {
            return normalizedIndex;
        }

        return normalizedIndex == Text.Length ? Original.Length : _starts[normalizedIndex];
    }

    /// <summary>Maps a span of <see cref="Text"/> to the smallest span of <see cref="Original"/> that produced it.</summary>
    /// <param name="normalizedSpan">A span within <see cref="Text"/>.</param>
    /// <returns>
    /// The original span, from the first original character of the span's first character to the
    /// last original character of its last character (invisible characters removed in between are
    /// inside it). An empty span maps to an empty span at <see cref="ToOriginalIndex(int)"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">The span does not lie within <see cref="Text"/>.</exception>
    public TextSpan ToOriginalSpan(TextSpan normalizedSpan)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(normalizedSpan.End, Text.Length, nameof(normalizedSpan));
        if (_starts is null)
        {
            return normalizedSpan;
        }

        if (normalizedSpan.Length == 0)
        {
            int at = ToOriginalIndex(normalizedSpan.Start);
            return new TextSpan(at, 0);
        }

        return TextSpan.FromBounds(_starts[normalizedSpan.Start], _ends![normalizedSpan.End - 1]);
    }
}
