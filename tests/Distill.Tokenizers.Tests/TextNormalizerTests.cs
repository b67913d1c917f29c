using System;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tokenizers.Tests;

public sealed class TextNormalizerTests
{
    // Characters chosen to exercise every path: ASCII, precomposed and combining Latin, marks that
    // reorder, Hangul jamo, CJK, emoji (surrogate pairs), removed and kept format characters.
    internal static readonly string[] Alphabet =
    [
        "a", "e", "Z", " ", "\n", "'", ".", "1", "é", "\u0301", "\u0316", "\u0308", "\u1100", "\u1161", "\u11A8",
        "\u212B", "\u0958", "日", "本", "😀", "𝔘", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD",
        "\u202E", "\U000E0041", "\u0600", "\u034F", "\uFE0F", "\uD800", "\uDC00", "\u0B47", "\u0B3E", "ß",
    ];

    internal static Arbitrary<string> TrickyStrings() =>
        Gen.ListOf(Gen.Elements(Alphabet)).Select(parts => string.Concat(parts)).ToArbitrary();

    [Fact]
    public void Removes_zero_width_and_soft_hyphen_characters_and_maps_back()
    {
        const string original = "a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf\u00ADg";
        NormalizedText normalized = TextNormalizer.Normalize(original);

        Assert.Equal("abcdefg", normalized.Text);
        Assert.False(normalized.IsUnchanged);
        for (int i = 0; i < normalized.Text.Length; i++)
        {
            int at = normalized.ToOriginalIndex(i);
            Assert.Equal(normalized.Text[i], original[at]);
            Assert.Equal(2 * i, at);
        }

        Assert.Equal(original.Length, normalized.ToOriginalIndex(normalized.Text.Length));
        Assert.Equal(new TextSpan(2, 5), normalized.ToOriginalSpan(new TextSpan(1, 3))); // "bcd" -> "b\u200Cc\u200Dd"
    }

    [Fact]
    public void Composes_to_nfc_and_maps_the_composed_character_to_its_whole_source()
    {
        const string original = "Cafe\u0301 e\u200B\u0301 \u1100\u1161\u11A8 \u212B";
        NormalizedText normalized = TextNormalizer.Normalize(original);

        Assert.Equal("Café é 각 Å", normalized.Text);
        Assert.Equal(new TextSpan(3, 2), normalized.ToOriginalSpan(new TextSpan(3, 1))); // é <- e + U+0301
        Assert.Equal(new TextSpan(6, 3), normalized.ToOriginalSpan(new TextSpan(5, 1))); // é <- e, ZWSP, U+0301
        Assert.Equal(new TextSpan(10, 3), normalized.ToOriginalSpan(new TextSpan(7, 1))); // 각 <- three jamo
        Assert.Equal(new TextSpan(14, 1), normalized.ToOriginalSpan(new TextSpan(9, 1))); // Å (U+00C5) <- U+212B
        Assert.Equal(new TextSpan(0, original.Length), normalized.ToOriginalSpan(new TextSpan(0, normalized.Text.Length)));
    }

    [Fact]
    public void Leaves_normalized_text_alone()
    {
        const string original = "Plain text, déjà vu, 日本語 😀.";
        NormalizedText normalized = TextNormalizer.Normalize(original);

        Assert.True(normalized.IsUnchanged);
        Assert.Same(original, normalized.Text);
        Assert.Equal(7, normalized.ToOriginalIndex(7));
    }

    [Fact]
    public void Replaces_lone_surrogates_and_removes_tag_characters_but_keeps_script_format_marks()
    {
        NormalizedText normalized = TextNormalizer.Normalize("x\uD800y\U000E0041z\u0600\u202E!");

        Assert.Equal("x\uFFFDyz\u0600!", normalized.Text);
        Assert.True(TextNormalizer.IsRemoved(0x200B));
        Assert.True(TextNormalizer.IsRemoved(0x00AD));
        Assert.True(TextNormalizer.IsRemoved(0xE0041));
        Assert.False(TextNormalizer.IsRemoved(0x0600));
        Assert.False(TextNormalizer.IsRemoved(0x034F));
        Assert.False(TextNormalizer.IsRemoved('a'));
    }

    [Fact]
    public void Rejects_out_of_range_indices()
    {
        NormalizedText normalized = TextNormalizer.Normalize("a\u200Bb");
        Assert.Throws<ArgumentOutOfRangeException>(() => normalized.ToOriginalIndex(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => normalized.ToOriginalIndex(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => normalized.ToOriginalSpan(new TextSpan(1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextNormalizer.IsRemoved(0x110000));
        Assert.Throws<ArgumentNullException>(() => TextNormalizer.Normalize(null!));
    }

    [Property(MaxTest = 300, Replay = "(20250101,1)")]
    public Property Equals_whole_string_nfc_after_removing_format_characters() =>
        Prop.ForAll(TrickyStrings(), text => TextNormalizer.Normalize(text).Text == Reference(text));

    [Property(MaxTest = 300, Replay = "(20250102,1)")]
    public Property Every_code_point_maps_to_original_text_that_normalizes_to_contain_it() =>
        Prop.ForAll(TrickyStrings(), text =>
        {
            NormalizedText normalized = TextNormalizer.Normalize(text);
            string output = normalized.Text;
            int previousStart = 0;
            for (int i = 0; i < output.Length; i += char.IsSurrogatePair(output, i) ? 2 : 1)
            {
                int width = char.IsSurrogatePair(output, i) ? 2 : 1;
                TextSpan span = normalized.ToOriginalSpan(new TextSpan(i, width));
                if (span.Start < previousStart || span.End > text.Length || span.Length == 0)
                {
                    return false;
                }

                previousStart = span.Start;
                string source = TextNormalizer.Normalize(text.Substring(span.Start, span.Length)).Text;
                if (!source.Contains(output.Substring(i, width), StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        });

    // An independent spelling of the documented behaviour: fix surrogates, drop removed format
    // characters, then NFC the whole string at once.
    private static string Reference(string text)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                int codePoint = char.ConvertToUtf32(text, i);
                if (!IsRemovedFormat(codePoint))
                {
                    builder.Append(text, i, 2);
                }

                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                builder.Append('\uFFFD');
            }
            else if (!IsRemovedFormat(text[i]))
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool IsRemovedFormat(int codePoint) =>
        CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.Format
        && codePoint is not ((>= 0x0600 and <= 0x0605) or 0x06DD or 0x070F or 0x0890 or 0x0891 or 0x08E2 or 0x110BD or 0x110CD
            or (>= 0x13430 and <= 0x1345F) or (>= 0x1BCA0 and <= 0x1BCA3));
}
