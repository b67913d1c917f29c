using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.ML.Tokenizers;

namespace Distill.Tokenizers.Tests;

public sealed class TextTokenizerTests
{
    private static readonly string[] Multilingual =
    [
        "The quick brown fox's 12345 jumps; THEY'RE here.\r\n\r\n  Tabs\tand   spaces  ",
        "héllo 😀 日本語 naïve Ελληνικά русский العربية हिन्दी 한국어",
        "🤖🦀 𝔘𝔫𝔦 ꙮ ᚠᛇᚻ 𓀀𓀁 䨻 a/b/c\n\n\nx",
        "Numbers 3.14159 and 1,000,000 and 2025-01-01; code: for (int i = 0; i < n; i++) { }",
    ];

    public static TheoryData<string, int, int> Encodings => new()
    {
        { "o200k_base", 200019, 199998 },
        { "cl100k_base", 100277, 100256 },
    };

    [Fact]
    public void Unknown_name_throws_and_lists_the_supported_names()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => TextTokenizer.Create("p50k_base"));
        Assert.Contains("o200k_base", e.Message, StringComparison.Ordinal);
        Assert.Contains("cl100k_base", e.Message, StringComparison.Ordinal);
        Assert.Equal("name", e.ParamName);
    }

    [Fact]
    public void Instances_are_cached_per_name_and_the_default_is_o200k_base()
    {
        Assert.Same(TextTokenizer.Create("o200k_base"), TextTokenizer.Create());
        Assert.Same(TextTokenizer.Create("cl100k_base"), TextTokenizer.Create("CL100K_BASE"));
        Assert.Equal("o200k_base", TextTokenizer.Create().Name);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Vocabulary_size_is_the_largest_id_plus_one(string name, int vocabularySize, int unusedId)
    {
        TextTokenizer tokenizer = TextTokenizer.Create(name);
        Assert.Equal(vocabularySize, tokenizer.VocabularySize);
        Assert.Equal(vocabularySize - 1, tokenizer.SpecialTokens.Values.Max());

        // The special tokens are exactly Microsoft.ML.Tokenizers' for this encoding.
        TiktokenTokenizer reference = TiktokenTokenizer.CreateForEncoding(name);
        Assert.Equal(reference.SpecialTokens!.OrderBy(p => p.Value), tokenizer.SpecialTokens.OrderBy(p => p.Value));

        // Every id below the first special token is a byte-pair rank, except one unused id.
        int firstSpecial = tokenizer.SpecialTokens.Values.Min();
        var empty = new List<int>();
        for (int id = 0; id < firstSpecial; id++)
        {
            if (tokenizer.Decode([id]).Length == 0)
            {
                empty.Add(id);
            }
        }

        Assert.Equal([unusedId], empty);
        Assert.Equal("<|endoftext|>", tokenizer.Decode([tokenizer.SpecialTokens["<|endoftext|>"]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([vocabularySize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
    }

    [Theory]
    [InlineData("o200k_base")]
    [InlineData("cl100k_base")]
    public void Ordinary_text_gives_the_same_ids_as_microsoft_ml_tokenizers(string name)
    {
        TextTokenizer tokenizer = TextTokenizer.Create(name);
        TiktokenTokenizer reference = TiktokenTokenizer.CreateForEncoding(name);
        IEnumerable<string> texts = BrownText.Documents.Take(25).Select(d => d.Text).Concat(Multilingual);
        foreach (string text in texts)
        {
            Assert.Equal(reference.EncodeToIds(text), tokenizer.EncodeToIds(text));
        }
    }

    [Theory]
    [InlineData("o200k_base")]
    [InlineData("cl100k_base")]
    public void Every_emitted_id_is_below_the_vocabulary_size_and_never_special(string name)
    {
        TextTokenizer tokenizer = TextTokenizer.Create(name);
        var specials = new HashSet<int>(tokenizer.SpecialTokens.Values);
        IEnumerable<string> texts = BrownText.Documents.Where((_, i) => i % 10 == 0).Select(d => d.Text)
            .Concat(Multilingual)
            .Concat(TextNormalizerTests.TrickyStrings().Generator.Sample(40, 200))
            .Append(string.Join(" ", tokenizer.SpecialTokens.Keys));
        foreach (string text in texts)
        {
            foreach (int id in tokenizer.EncodeToIds(text))
            {
                Assert.InRange(id, 0, tokenizer.VocabularySize - 1);
                Assert.DoesNotContain(id, specials);
            }
        }
    }

    [Fact]
    public void Special_token_text_is_encoded_as_ordinary_text()
    {
        TextTokenizer tokenizer = TextTokenizer.Create();
        const string text = "end <|endoftext|> and <|endofprompt|>";
        int[] ids = tokenizer.EncodeToIds(text);

        Assert.DoesNotContain(199999, ids);
        Assert.DoesNotContain(200018, ids);
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Property(MaxTest = 200, Replay = "(20250103,1)")]
    public Property Decoding_the_ids_gives_the_normalized_text() =>
        Prop.ForAll(TextNormalizerTests.TrickyStrings(), text =>
        {
            TextTokenizer tokenizer = TextTokenizer.Create();
            TokenizedText encoded = tokenizer.Encode(text);
            return tokenizer.Decode(encoded.Ids.Span) == TextNormalizer.Normalize(text).Text
                && encoded.Ids.Span.SequenceEqual(tokenizer.EncodeToIds(text));
        });

    [Property(MaxTest = 200, Replay = "(20250104,1)")]
    public Property Token_spans_tile_the_text_and_map_into_the_original() =>
        Prop.ForAll(TextNormalizerTests.TrickyStrings(), text =>
        {
            TokenizedText encoded = TextTokenizer.Create("cl100k_base").Encode(text);
            string normalized = encoded.Text;
            if (encoded.Count == 0)
            {
                return normalized.Length == 0;
            }

            int previousStart = 0;
            int previousEnd = 0;
            int previousOriginalStart = 0;
            for (int i = 0; i < encoded.Count; i++)
            {
                TextSpan span = encoded.GetSpan(i);
                TextSpan original = encoded.GetOriginalSpan(i);

                // Starts and ends never decrease, and there is no gap between neighbours.
                bool ordered = span.Start >= previousStart && span.End >= previousEnd && span.Start <= previousEnd && span.Length > 0;
                bool inOriginal = original.Start >= previousOriginalStart && original.End <= text.Length && original.Length > 0;

                // The original characters normalize to text that contains the token's characters.
                string source = TextNormalizer.Normalize(text.Substring(original.Start, original.Length)).Text;
                if (!ordered || !inOriginal || !source.Contains(normalized.Substring(span.Start, span.Length), StringComparison.Ordinal))
                {
                    return false;
                }

                previousStart = span.Start;
                previousEnd = span.End;
                previousOriginalStart = original.Start;
            }

            return encoded.GetSpan(0).Start == 0 && previousEnd == normalized.Length
                && encoded.GetOriginalSpan(0, encoded.Count).End <= text.Length;
        });

    [Fact]
    public void Offsets_point_into_the_original_text_across_removed_and_composed_characters()
    {
        TextTokenizer tokenizer = TextTokenizer.Create();
        const string original = "The cafe\u0301 ser\u200Bved wa\u00ADter to\u200D\u200Dday.";
        TokenizedText encoded = tokenizer.Encode(original);

        Assert.Equal("The café served water today.", encoded.Text);
        Assert.Same(original, encoded.OriginalText);
        for (int i = 0; i < encoded.Count; i++)
        {
            TextSpan span = encoded.GetSpan(i);
            TextSpan originalSpan = encoded.GetOriginalSpan(i);
            string tokenText = tokenizer.Decode([encoded.Ids.Span[i]]);

            // ASCII and composed text: every token is exactly its normalized characters, and the
            // original span normalizes back to them.
            Assert.Equal(tokenText, encoded.Text.Substring(span.Start, span.Length));
            Assert.Equal(tokenText, TextNormalizer.Normalize(original.Substring(originalSpan.Start, originalSpan.Length)).Text);
        }

        int cafe = Enumerable.Range(0, encoded.Count).Single(i => tokenizer.Decode([encoded.Ids.Span[i]]).Contains('é', StringComparison.Ordinal));
        TextSpan cafeSpan = encoded.GetOriginalSpan(cafe);
        Assert.EndsWith("e\u0301", original.Substring(cafeSpan.Start, cafeSpan.Length), StringComparison.Ordinal);

        TextSpan whole = encoded.GetOriginalSpan(0, encoded.Count);
        Assert.Equal(new TextSpan(0, original.Length), whole);
        Assert.Equal(new TextSpan(encoded.Text.Length, 0), encoded.GetSpan(encoded.Count, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoded.GetSpan(encoded.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoded.GetSpan(1, encoded.Count));
    }

    [Fact]
    public void Is_safe_to_use_from_many_threads()
    {
        TextTokenizer tokenizer = TextTokenizer.Create();
        string[] texts = BrownText.Documents.Take(16).Select(d => d.Text[..2000]).ToArray();
        int[][] expected = texts.Select(tokenizer.EncodeToIds).ToArray();
        int[][] actual = new int[texts.Length][];
        System.Threading.Tasks.Parallel.For(0, texts.Length, i => actual[i] = tokenizer.EncodeToIds(texts[i]));
        Assert.Equal(expected, actual);
    }
}
