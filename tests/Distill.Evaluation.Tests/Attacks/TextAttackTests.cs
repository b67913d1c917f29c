using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distill.Evaluation.Attacks;
using Distill.Tokenizers;

namespace Distill.Evaluation.Tests.Attacks;

/// <summary>The text attacks of the offline matrix: rates honoured, determinism, and what each one really changes.</summary>
public sealed class TextAttackTests
{
    private static readonly Lazy<string> s_text = new(() => string.Join(" ", BrownCorpus.HeldOutDocuments.Take(3).Select(d => d.Text)));
    private static readonly Lazy<WordNetDatabase> s_wordNet = new(() => WordNetDatabase.Load());

    private static string[] Words(string text) => [.. TextWords.Find(text).Select(w => text.Substring(w.Start, w.Length))];

    private static void AssertDeterministic(TextAttack attack, string text)
    {
        Assert.Equal(attack.Apply(text, 5).Text, attack.Apply(text, 5).Text);
        Assert.NotEqual(attack.Apply(text, 5).Text, attack.Apply(text, 6).Text);
    }

    [OfflineDataFact]
    public void Synonym_attack_replaces_the_exact_fraction_of_eligible_words_with_WordNet_synonyms()
    {
        string text = s_text.Value;
        foreach (double fraction in new[] { 0.25, 0.5, 0.75 })
        {
            var attack = new SynonymAttack(s_wordNet.Value, fraction);
            TextAttackResult result = attack.Apply(text, 11);
            Assert.True(result.SourceCount > 500, $"{result.SourceCount} eligible words");
            Assert.Equal((int)Math.Round(fraction * result.SourceCount, MidpointRounding.AwayFromZero), result.Substituted);

            // Same word count; every changed word is a synonym WordNet gives for the original.
            string[] before = Words(text), after = Words(result.Text);
            Assert.Equal(before.Length, after.Length);
            int changed = 0;
            for (int i = 0; i < before.Length; i++)
            {
                if (before[i] != after[i])
                {
                    changed++;
                    Assert.Contains(after[i].ToLowerInvariant(), s_wordNet.Value.Synonyms(before[i].ToLowerInvariant()));
                    Assert.DoesNotContain(before[i].ToLowerInvariant(), SynonymAttack.StopWords);
                }
            }

            Assert.Equal(result.Substituted, changed);
            AssertDeterministic(attack, text);
        }
    }

    [OfflineDataFact]
    public void WordNet_synonyms_come_from_the_synsets_and_keep_the_inflection()
    {
        WordNetDatabase wordNet = s_wordNet.Value;
        Assert.True(wordNet.LemmaCount > 140_000, $"{wordNet.LemmaCount} lemmas");
        Assert.Contains("automobile", wordNet.SynsetLemmas("car"));
        Assert.Contains("automobile", wordNet.Synonyms("car"));
        Assert.Contains("automobiles", wordNet.Synonyms("cars"));
        Assert.DoesNotContain("car", wordNet.Synonyms("car"));
        Assert.Empty(wordNet.Synonyms("the"));
        Assert.Empty(wordNet.Synonyms("geese")); // irregular: only the exception list reaches "goose"
    }

    [Fact]
    public void WordNet_loader_reads_a_small_database_and_names_the_file_and_line_of_corruption()
    {
        string directory = Directory.CreateTempSubdirectory("distill-wordnet-").FullName;
        try
        {
            const string Data = "  1 This is a licence line.\n";
            string synset = "00000028 06 n 02 car 0 auto 0 000 | a motor vehicle\n";
            foreach (string part in new[] { "noun", "verb", "adj", "adv" })
            {
                File.WriteAllText(Path.Combine(directory, "data." + part), Data + synset);
                File.WriteAllText(Path.Combine(directory, "index." + part), "  1 licence\ncar n 1 0 1 0 00000028\nauto n 1 0 1 0 00000028\n");
                File.WriteAllText(Path.Combine(directory, part + ".exc"), "cars_irregular car\n");
            }

            Assert.True(WordNetDatabase.Exists(directory));
            WordNetDatabase wordNet = WordNetDatabase.Load(directory);
            Assert.Equal(["auto"], wordNet.Synonyms("car"));
            Assert.Equal(["autos"], wordNet.Synonyms("cars"));

            File.WriteAllText(Path.Combine(directory, "index.verb"), "car v 1 0 1 0 00000028\nauto v 2 0 1 0 00000028\n");
            InvalidDataException index = Assert.Throws<InvalidDataException>(() => WordNetDatabase.Load(directory));
            Assert.Contains("index.verb", index.Message, StringComparison.Ordinal);
            Assert.Contains("line 2", index.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(directory, "index.verb"), "car v 1 0 1 0 00000003\n");
            InvalidDataException data = Assert.Throws<InvalidDataException>(() => WordNetDatabase.Load(directory).Synonyms("car"));
            Assert.Contains("data.verb", data.Message, StringComparison.Ordinal);

            File.Delete(Path.Combine(directory, "adv.exc"));
            Assert.False(WordNetDatabase.Exists(directory));
            FileNotFoundException missing = Assert.Throws<FileNotFoundException>(() => WordNetDatabase.Load(directory));
            Assert.Contains("wordnet-base", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Typo_attack_makes_one_edit_of_the_requested_kind_in_the_exact_fraction_of_words()
    {
        string text = s_text.Value;
        Assert.Equal(["q", "s", "w", "z"], TypoAttack.KeyboardNeighbours('a').Select(c => c.ToString()).Order());
        foreach (TypoKinds kind in new[] { TypoKinds.AdjacentKey, TypoKinds.Deletion, TypoKinds.Transposition, TypoKinds.Doubling })
        {
            var attack = new TypoAttack(0.25, kind);
            TextAttackResult result = attack.Apply(text, 3);
            Assert.Equal((int)Math.Round(0.25 * result.SourceCount, MidpointRounding.AwayFromZero), result.Substituted);
            string[] before = Words(text), after = Words(result.Text);
            Assert.Equal(before.Length, after.Length);
            int changed = 0;
            for (int i = 0; i < before.Length; i++)
            {
                if (before[i] == after[i])
                {
                    continue;
                }

                changed++;
                string b = before[i], a = after[i];
                bool ok = kind switch
                {
                    TypoKinds.AdjacentKey => a.Length == b.Length && Enumerable.Range(0, b.Length).Count(j => a[j] != b[j]) == 1
                        && Enumerable.Range(0, b.Length).Where(j => a[j] != b[j]).All(j => TypoAttack.KeyboardNeighbours(b[j]).Contains(char.ToLowerInvariant(a[j]), StringComparison.Ordinal)),
                    TypoKinds.Deletion => a.Length == b.Length - 1 && Enumerable.Range(0, b.Length).Any(j => b.Remove(j, 1) == a),
                    TypoKinds.Transposition => a.Length == b.Length && Enumerable.Range(0, b.Length - 1).Any(j => Swap(b, j) == a),
                    _ => a.Length == b.Length + 1 && Enumerable.Range(0, b.Length).Any(j => b.Insert(j, b[j].ToString()) == a),
                };
                // A word with an apostrophe or hyphen can lose a letter next to it and be read back shorter ("he's": "he'"); check the others exactly.
                Assert.True(ok || !b.All(char.IsLetter), $"{kind}: '{b}' became '{a}'");
            }

            Assert.Equal(result.Substituted, changed);
            AssertDeterministic(attack, text);
        }
    }

    private static string Swap(string word, int j)
    {
        char[] c = word.ToCharArray();
        (c[j], c[j + 1]) = (c[j + 1], c[j]);
        return new string(c);
    }

    [Fact]
    public void Contractions_expand_and_contract_with_case_kept()
    {
        const string Full = "I do not know. Do not go; we will see, they are here and it cannot be.";
        const string Contracted = "I don't know. Don't go; we'll see, they're here and it can't be.";
        TextAttackResult contracted = new ContractionAttack(expand: false).Apply(Full, 0);
        Assert.Equal(Contracted, contracted.Text);
        Assert.Equal(5, contracted.Substituted);
        Assert.Equal(Full, new ContractionAttack(expand: true).Apply(Contracted, 0).Text);
        Assert.Equal("He said it\u2019s fine but do not ask.", new ContractionAttack(expand: true).Apply("He said it\u2019s fine but don\u2019t ask.", 0).Text);
    }

    [Fact]
    public void Lowercase_and_word_swap_keep_the_characters_and_the_words()
    {
        string text = s_text.Value;
        TextAttackResult lower = new LowercaseAttack().Apply(text, 0);
        Assert.Equal(text.ToLowerInvariant(), lower.Text);
        Assert.Equal(text.Count(char.IsUpper), lower.Substituted);

        var swap = new WordSwapAttack(0.25);
        TextAttackResult swapped = swap.Apply(text, 9);
        string[] before = Words(text), after = Words(swapped.Text);
        Assert.Equal(before.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        Assert.Equal(2 * (int)Math.Round(0.25 * before.Length / 2, MidpointRounding.AwayFromZero), swapped.Substituted);
        Assert.InRange(Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]), swapped.Substituted * 8 / 10, swapped.Substituted);
        Assert.Equal(Skeleton(text), Skeleton(swapped.Text));
        AssertDeterministic(swap, text);
    }

    private static string Skeleton(string text) =>
        TextWords.Replace(text, [.. TextWords.Find(text).Select(w => (w.Start, w.Length, "_"))]);

    [Fact]
    public void The_normalizer_undoes_zero_width_insertion_but_not_homoglyphs()
    {
        string text = s_text.Value;
        TextTokenizer tokenizer = BuiltInModel.Tokenizer;

        var zeroWidth = new ZeroWidthAttack(0.5);
        TextAttackResult hidden = zeroWidth.Apply(text, 4);
        Assert.Equal((int)Math.Round(0.5 * hidden.SourceCount, MidpointRounding.AwayFromZero), hidden.Inserted);
        Assert.Equal(hidden.Inserted, hidden.Text.Count(c => c == '\u200B'));
        Assert.Equal(text, TextNormalizer.Normalize(hidden.Text).Text);
        Assert.Equal(tokenizer.EncodeToIds(text), tokenizer.EncodeToIds(hidden.Text));
        Assert.NotEqual(tokenizer.EncodeToIds(text), tokenizer.EncodeToIdsWithoutNormalization(hidden.Text));
        AssertDeterministic(zeroWidth, text);

        var homoglyph = new HomoglyphAttack(0.1);
        TextAttackResult lookalike = homoglyph.Apply(text, 4);
        Assert.Equal((int)Math.Round(0.1 * lookalike.SourceCount, MidpointRounding.AwayFromZero), lookalike.Substituted);
        var back = HomoglyphAttack.Homoglyphs.ToDictionary(p => p.Value, p => p.Key);
        Assert.Equal(text, new string([.. lookalike.Text.Select(c => back.GetValueOrDefault(c, c))]));
        Assert.Equal(lookalike.Substituted, text.Zip(lookalike.Text).Count(p => p.First != p.Second));

        // Measured, not wished: NFC keeps Cyrillic letters, so normalization does not fold homoglyphs.
        Assert.NotEqual(text, TextNormalizer.Normalize(lookalike.Text).Text);
        AssertDeterministic(homoglyph, text);
    }

    [Fact]
    public void Lexicon_reads_a_plain_gzip_dictionary_and_names_the_line_of_a_corrupt_index()
    {
        string directory = Directory.CreateTempSubdirectory("distill-dict-").FullName;
        try
        {
            const string Entry = "house /haus/\nHaus <neut>, Heim [fig.]\n      \"build a house\"  - ein Haus bauen\n";
            using (var gzip = new System.IO.Compression.GZipStream(File.Create(Path.Combine(directory, "test-eng-deu.dict.dz")), System.IO.Compression.CompressionLevel.Optimal))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(Entry));
            }

            // Offset 0 and length in dictd's base-64 digits.
            string length = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[System.Text.Encoding.UTF8.GetByteCount(Entry) / 64].ToString()
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[System.Text.Encoding.UTF8.GetByteCount(Entry) % 64];
            File.WriteAllText(Path.Combine(directory, "test-eng-deu.index"), $"house\tA\t{length}\n");
            BilingualLexicon lexicon = BilingualLexicon.Load("test-eng-deu", directory);
            Assert.Equal(["Haus", "Heim"], lexicon.Translations("house"));
            Assert.Equal(["Haus", "Heim"], lexicon.Translations("House"));
            Assert.Empty(lexicon.Translations("garden"));

            File.WriteAllText(Path.Combine(directory, "test-eng-deu.index"), $"house\tA\t{length}\ngarden\tA\t/////\n");
            InvalidDataException corrupt = Assert.Throws<InvalidDataException>(() => BilingualLexicon.Load("test-eng-deu", directory));
            Assert.Contains("line 2", corrupt.Message, StringComparison.Ordinal);
            Assert.Contains("dict-freedict-eng-fra", Assert.Throws<FileNotFoundException>(() => BilingualLexicon.Load("freedict-eng-fra", directory)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [OfflineDataFact(dictionaries: true)]
    public void Back_translation_round_trips_through_the_FreeDict_dictionaries()
    {
        BilingualLexicon english = BilingualLexicon.Load("freedict-eng-deu"), german = BilingualLexicon.Load("freedict-deu-eng");
        Assert.Contains("Haus", english.Translations("house"));
        Assert.Contains("house", german.Translations("Haus"));
        Assert.Contains("schnell", english.Translations("quick"));

        var attack = new BackTranslationAttack(english, german);
        string text = string.Join(" ", BrownCorpus.HeldOutDocuments[0].Text.Split(' ').Take(300));
        TextAttackResult result = attack.Apply(text, 2);
        string[] before = Words(text), after = Words(result.Text);
        Assert.Equal(before.Length, after.Length);
        int changed = 0;
        for (int i = 0; i < before.Length; i++)
        {
            if (before[i] != after[i])
            {
                changed++;
                string[] roundTrips = [.. english.Translations(before[i].ToLowerInvariant()).SelectMany(german.Translations).Select(w => w.ToLowerInvariant())];
                Assert.Contains(after[i].ToLowerInvariant(), roundTrips);
            }
        }

        Assert.Equal(result.Substituted, changed);
        Assert.True(changed > before.Length / 10, $"{changed} of {before.Length} words changed");
        AssertDeterministic(attack, text);
    }
}
