using System;
using System.Globalization;
using System.Text;

namespace Distill.Tokenizers;

/// <summary>
/// Normalizes text before tokenization so that invisible edits do not change the token stream:
/// removes invisible format characters, then applies Unicode Normalization Form C, keeping a map
/// back to the caller's text.
/// </summary>
/// <remarks>
/// <para>The steps, in order:</para>
/// <list type="number">
/// <item><description>
/// Every unpaired UTF-16 surrogate is replaced by U+FFFD (the replacement character), as UTF-8
/// encoding would do anyway.
/// </description></item>
/// <item><description>
/// Every character of Unicode general category <c>Cf</c> (format) is removed. This includes the
/// zero-width space U+200B, zero-width non-joiner U+200C, zero-width joiner U+200D, word joiner
/// U+2060, byte-order mark / zero-width no-break space U+FEFF, soft hyphen U+00AD, the invisible
/// mathematical operators U+2061 to U+2064, bidirectional marks, embeddings and isolates (U+200E,
/// U+200F, U+202A to U+202E, U+2066 to U+2069, U+061C), U+180E, interlinear annotation characters
/// U+FFF9 to U+FFFB, and the tag characters U+E0001 and U+E0020 to U+E007F. Removing U+200C and
/// U+200D can change how Persian, Indic or emoji sequences are rendered; they are removed anyway
/// because they are invisible in most text and are the usual way to perturb a token stream.
/// </description></item>
/// <item><description>
/// Kept, because they are visible signs that scripts need: the prepended concatenation marks
/// U+0600 to U+0605, U+06DD, U+070F, U+0890, U+0891, U+08E2, U+110BD and U+110CD, the Egyptian
/// hieroglyph format controls U+13430 to U+1345F and the shorthand format controls U+1BCA0 to U+1BCA3.
/// </description></item>
/// <item><description>
/// The result is normalized to Unicode Normalization Form C (canonical composition), so that
/// precomposed and decomposed spellings of the same text give the same tokens.
/// </description></item>
/// </list>
/// <para>
/// Characters that are not of category <c>Cf</c> are kept, including the combining grapheme joiner
/// U+034F, variation selectors and Hangul fillers. Homoglyphs are folded only on request
/// (<see cref="Normalize(string, bool)"/>, <see cref="Confusables"/>): the default keeps the tokens of released versions.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
internal static class TextNormalizer
{
    private const char ReplacementCharacter = '\uFFFD';

    /// <summary>Normalizes text and records where every normalized character came from.</summary>
    /// <param name="text">The text to normalize.</param>
    /// <returns>The normalized text with its map back to <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static NormalizedText Normalize(string text) => Normalize(text, foldConfusables: false);

    /// <summary>Normalizes text, optionally folding look-alike letters into Latin ones afterwards (<see cref="Confusables"/>), and records where every normalized character came from.</summary>
    /// <param name="text">The text to normalize.</param>
    /// <param name="foldConfusables">Whether to fold Cyrillic, Greek and fullwidth look-alikes of Latin letters (one character for one, so the map is unchanged).</param>
    /// <returns>The normalized text with its map back to <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static NormalizedText Normalize(string text, bool foldConfusables)
    {
        NormalizedText normalized = NormalizeCore(text);
        if (!foldConfusables || !Confusables.Contains(normalized.Text))
        {
            return normalized;
        }

        char[] folded = normalized.Text.ToCharArray();
        Confusables.Fold(folded);
        return normalized.WithText(new string(folded));
    }

    private static NormalizedText NormalizeCore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsFiltering(text) && text.IsNormalized(NormalizationForm.FormC))
        {
            return new NormalizedText(text, text, null, null);
        }

        // Step 1: drop format characters and repair lone surrogates, remembering each kept char's origin.
        var filtered = new StringBuilder(text.Length);
        int[] origin = new int[text.Length];
        int kept = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int codePoint = char.ConvertToUtf32(c, text[i + 1]);
                if (!IsRemoved(codePoint))
                {
                    filtered.Append(c).Append(text[i + 1]);
                    origin[kept++] = i;
                    origin[kept++] = i + 1;
                }

                i++;
            }
            else if (char.IsSurrogate(c))
            {
                filtered.Append(ReplacementCharacter);
                origin[kept++] = i;
            }
            else if (!IsRemoved(c))
            {
                filtered.Append(c);
                origin[kept++] = i;
            }
        }

        string clean = filtered.ToString();

        // Step 2: NFC, one composition segment at a time, so that each output char can be traced.
        var output = new StringBuilder(clean.Length);
        var starts = new int[clean.Length];
        var ends = new int[clean.Length];
        int written = 0;
        int segmentStart = 0;
        while (segmentStart < clean.Length)
        {
            int segmentEnd = segmentStart + 1;
            while (segmentEnd < clean.Length && !StartsSegment(clean, segmentEnd))
            {
                segmentEnd++;
            }

            ReadOnlySpan<char> segment = clean.AsSpan(segmentStart, segmentEnd - segmentStart);
            if (segment.IsNormalized(NormalizationForm.FormC))
            {
                for (int i = segmentStart; i < segmentEnd; i++)
                {
                    output.Append(clean[i]);
                    EnsureCapacity(ref starts, ref ends, written + 1);
                    starts[written] = origin[i];
                    ends[written] = origin[i] + 1;
                    written++;
                }
            }
            else
            {
                // Composition merges the segment's characters; each result char maps to the whole segment.
                string composed = segment.ToString().Normalize(NormalizationForm.FormC);
                int from = origin[segmentStart];
                int to = origin[segmentEnd - 1] + 1;
                output.Append(composed);
                EnsureCapacity(ref starts, ref ends, written + composed.Length);
                for (int k = 0; k < composed.Length; k++)
                {
                    starts[written] = from;
                    ends[written] = to;
                    written++;
                }
            }

            segmentStart = segmentEnd;
        }

        Array.Resize(ref starts, written);
        Array.Resize(ref ends, written);
        return new NormalizedText(text, output.ToString(), starts, ends);
    }

    /// <summary>Returns whether a code point is removed by <see cref="Normalize(string)"/>.</summary>
    /// <param name="codePoint">A Unicode scalar value.</param>
    /// <returns><see langword="true"/> for format (<c>Cf</c>) characters other than the kept ones listed in the remarks of <see cref="TextNormalizer"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="codePoint"/> is not in the range 0 to 0x10FFFF.</exception>
    public static bool IsRemoved(int codePoint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(codePoint);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(codePoint, 0x10FFFF);
        if (codePoint < 0xAD)
        {
            return false;
        }

        if (CharUnicodeInfo.GetUnicodeCategory(codePoint) != UnicodeCategory.Format)
        {
            return false;
        }

        return !IsKeptFormatCharacter(codePoint);
    }

    private static bool IsKeptFormatCharacter(int codePoint) => codePoint switch
    {
        >= 0x0600 and <= 0x0605 => true,
        0x06DD or 0x070F or 0x0890 or 0x0891 or 0x08E2 or 0x110BD or 0x110CD => true,
        >= 0x13430 and <= 0x1345F => true,
        >= 0x1BCA0 and <= 0x1BCA3 => true,
        _ => false,
    };

    private static bool NeedsFiltering(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0xAD)
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (IsRemoved(char.ConvertToUtf32(c, text[i + 1])))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsSurrogate(c) || IsRemoved(c))
            {
                return true;
            }
        }

        return false;
    }

    // A segment boundary lies before a character that neither composes with nor reorders around
    // what precedes it: a starter (canonical combining class 0) that is never the second half of a
    // canonical composition. Such characters are exactly the ones below U+0300 plus all characters
    // that are not marks (Mn, Mc, Me) and not Hangul medial vowel or final consonant jamo; NFC of
    // the whole text then equals the concatenation of the segments' NFC forms.
    private static bool StartsSegment(string text, int index)
    {
        char c = text[index];
        if (c < 0x300)
        {
            return true;
        }

        if (char.IsLowSurrogate(c))
        {
            return false;
        }

        if (c is (>= '\u1161' and <= '\u1175') or (>= '\u11A8' and <= '\u11C2'))
        {
            return false;
        }

        UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(text, index);
        return category is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);
    }

    private static void EnsureCapacity(ref int[] starts, ref int[] ends, int needed)
    {
        if (needed > starts.Length)
        {
            int size = Math.Max(needed, starts.Length * 2);
            Array.Resize(ref starts, size);
            Array.Resize(ref ends, size);
        }
    }
}
