using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tokenizers.Tests;

/// <summary>The homoglyph counter-measure: <see cref="TextTokenizer.WithConfusablesFolded"/> and <see cref="Confusables"/>.</summary>
public sealed class ConfusablesTests
{
    // Every Latin letter the table can restore, with the look-alikes an attacker would use (Cyrillic, Greek, fullwidth).
    private static readonly Dictionary<char, char[]> s_lookAlikes = new()
    {
        ['a'] = ['\u0430', '\u03B1', '\uFF41'], ['c'] = ['\u0441', '\u03F2'], ['e'] = ['\u0435'], ['i'] = ['\u0456', '\u03B9'],
        ['j'] = ['\u0458', '\u03F3'], ['o'] = ['\u043E', '\u03BF'], ['p'] = ['\u0440', '\u03C1'], ['s'] = ['\u0455'], ['x'] = ['\u0445'],
        ['y'] = ['\u0443', '\u03B3'], ['h'] = ['\u04BB'], ['d'] = ['\u0501'], ['q'] = ['\u051B'], ['w'] = ['\u051D'], ['v'] = ['\u03BD'],
        ['A'] = ['\u0410', '\u0391'], ['B'] = ['\u0412', '\u0392'], ['C'] = ['\u0421', '\u03F9'], ['E'] = ['\u0415', '\u0395'],
        ['H'] = ['\u041D', '\u0397'], ['I'] = ['\u0406', '\u0399'], ['J'] = ['\u0408'], ['K'] = ['\u041A', '\u039A'],
        ['M'] = ['\u041C', '\u039C'], ['N'] = ['\u039D'], ['O'] = ['\u041E', '\u039F'], ['P'] = ['\u0420', '\u03A1'],
        ['S'] = ['\u0405'], ['T'] = ['\u0422', '\u03A4'], ['X'] = ['\u0425', '\u03A7'], ['Y'] = ['\u04AE', '\u03A5'], ['Z'] = ['\u0396'],
    };

    private static readonly string[] s_sentences =
    [
        "The jury said it did find that the city executive committee, which had over-all charge of the election, deserves praise.",
        "Mr. Pye, a quiet man, asked: \"Why was Ohio's six-month budget approved in haste?\" Nobody knew, and the sky grew dark.",
        "Extra boxes of quartz and jewels were piled high on the wharf at Quebec in 1961.",
    ];

    private static TextTokenizer Folding => TextTokenizer.Create().WithConfusablesFolded();

    /// <summary>Any share of Latin letters replaced by any of their look-alikes: the folding tokenizer gives the clean text's ids.</summary>
    [Property(MaxTest = 200, Replay = "(1234567,7654321)")]
    public Property Homoglyph_substitution_is_undone(PositiveInt seed, byte rate)
    {
        var random = new Random(seed.Get);
        string clean = s_sentences[random.Next(s_sentences.Length)];
        string attacked = Substitute(clean, rate / 255.0, random);
        int[] expected = TextTokenizer.Create().EncodeToIds(clean);
        return Enumerable.SequenceEqual(expected, Folding.EncodeToIds(attacked)).Label($"{attacked}");
    }

    [Fact]
    public void The_default_tokenizer_keeps_released_tokens_and_the_folding_one_restores_them()
    {
        string clean = s_sentences[0];
        string attacked = Substitute(clean, 0.3, new Random(3));
        TextTokenizer plain = TextTokenizer.Create();

        Assert.False(plain.FoldsConfusables);
        Assert.True(Folding.FoldsConfusables);
        Assert.Same(Folding, Folding.WithConfusablesFolded());
        Assert.NotEqual(plain.EncodeToIds(clean), plain.EncodeToIds(attacked));
        Assert.Equal(plain.EncodeToIds(clean), Folding.EncodeToIds(attacked));
        Assert.Equal(plain.EncodeToIds(clean), Folding.EncodeToIds(clean));
    }

    [Theory]
    [InlineData("Привет! Это обычный русский текст: сорок пять рублей, а не сто.")]
    [InlineData("Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και ο Παρθενώνας στέκει ψηλά.")]
    [InlineData("Москва — столица. Он сказал: «а я?» и ушёл.")]
    public void Cyrillic_and_Greek_text_is_left_alone(string text)
    {
        TextTokenizer plain = TextTokenizer.Create();
        Assert.Equal(plain.EncodeToIds(text), Folding.EncodeToIds(text));
        Assert.Equal(text, TextNormalizer.Normalize(text, foldConfusables: true).Text);
    }

    [Fact]
    public void Words_made_only_of_look_alikes_fold_in_Latin_text_and_mixed_words_fold_anywhere()
    {
        // Cyrillic "а" alone, as the English article, and "осе" spelling "oce" inside English text.
        Assert.Equal("I saw a cat by the ocean.", TextNormalizer.Normalize("I saw \u0430 cat by the \u043E\u0441\u0435an.", true).Text);

        // In Russian text a whole-Cyrillic word stays, but a word mixing Latin letters is folded.
        Assert.Equal("Это слово и word", TextNormalizer.Normalize("Это слово и w\u043Erd", true).Text);

        // Fullwidth letters and digits fold wherever they stand.
        Assert.Equal("hello 2024", TextNormalizer.Normalize("\uFF48\uFF45\uFF4C\uFF4C\uFF4F \uFF12\uFF10\uFF12\uFF14", true).Text);
    }

    [Fact]
    public void Offsets_still_map_to_the_callers_text()
    {
        string attacked = "z\u200B\u0430p and \u0441\u043Ede\u0301";
        TokenizedText encoded = Folding.Encode(attacked);
        Assert.Equal("zap and cod\u00E9", encoded.Text);
        Assert.Equal(attacked, encoded.OriginalText);

        // Token by token, the original spans cover the caller's text in order, and the folded letters map to their look-alikes.
        int end = 0;
        for (int i = 0; i < encoded.Count; i++)
        {
            TextSpan original = encoded.GetOriginalSpan(i);
            Assert.True(original.Start >= end, $"token {i} starts at {original.Start}, before {end}");
            end = original.End;
        }

        Assert.Equal(attacked.Length, end);
        Assert.Equal(2, encoded.Normalized.ToOriginalIndex(1));
        Assert.Equal(attacked.IndexOf('\u0441', StringComparison.Ordinal), encoded.Normalized.ToOriginalIndex(encoded.Text.IndexOf('c', StringComparison.Ordinal)));
    }

    private static string Substitute(string text, double rate, Random random)
    {
        char[] chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (s_lookAlikes.TryGetValue(chars[i], out char[]? options) && random.NextDouble() < rate)
            {
                chars[i] = options[random.Next(options.Length)];
            }
        }

        return new string(chars);
    }
}
