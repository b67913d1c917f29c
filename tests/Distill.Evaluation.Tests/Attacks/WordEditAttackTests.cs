using System;
using System.Linq;
using Distill.Evaluation.Attacks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Evaluation.Tests.Attacks;

public sealed class WordEditAttackTests
{
    // Held-out Brown text stands for the words an editor would use; the source is made of words it never contains.
    private static readonly Lazy<string[]> s_vocabulary = new(() =>
        BrownCorpus.HeldOutDocuments.Take(5).SelectMany(d => d.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToArray());

    private static string Source(int words, int seed)
    {
        var random = new Random(seed);
        return string.Join(" ", Enumerable.Range(0, words).Select(_ => "w" + random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "#"));
    }

    [Property(MaxTest = 30, Replay = "(4242,1001)")]
    public Property Observed_counts_are_within_binomial_bounds_of_the_rates(int seed)
    {
        var random = new Random(seed);
        var rates = new EditRates(random.Next(0, 51) / 100.0, random.Next(0, 31) / 100.0, random.Next(0, 51) / 100.0);
        string source = Source(random.Next(500, 3000), seed);
        TextAttackResult result = new WordEditAttack(rates, s_vocabulary.Value).Apply(source, unchecked((ulong)seed));
        string[] words = result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        bool deleted = AttackAssert.RateConsistent(result.Deleted, result.SourceCount, rates.Deletion, out string d);
        bool substituted = AttackAssert.RateConsistent(result.Substituted, result.SourceCount - result.Deleted, rates.Substitution, out string s);
        bool inserted = AttackAssert.RateConsistent(result.Inserted, result.SourceCount, rates.Insertion, out string i);
        bool counts = words.Length == result.SourceCount - result.Deleted + result.Inserted
            && words.Count(w => !w.EndsWith('#')) == result.Substituted + result.Inserted;
        bool spacing = !result.Text.Contains("  ", StringComparison.Ordinal) && result.Text.Trim() == result.Text;
        return (deleted && substituted && inserted && counts && spacing).Label($"{d}; {s}; {i}; counts {counts}; spacing {spacing}");
    }

    [Property(MaxTest = 30, Replay = "(99991,31337)")]
    public Property Same_seed_gives_the_same_text_and_another_seed_a_different_one(int seed)
    {
        string source = Source(200, seed);
        var attack = new WordEditAttack(new EditRates(0.1, 0.1, 0.1), s_vocabulary.Value);
        string first = attack.Apply(source, unchecked((ulong)seed)).Text;
        return (first == attack.Apply(source, unchecked((ulong)seed)).Text && first != attack.Apply(source, unchecked((ulong)seed + 1)).Text).ToProperty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("one")]
    [InlineData("  Leading and trailing\n\nwhitespace\tkept.  \n")]
    public void Rate_zero_is_the_identity(string text)
    {
        TextAttackResult result = new WordEditAttack(EditRates.None, ["x"]).Apply(text, 1);
        Assert.Equal(text, result.Text);
        Assert.Equal(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length, result.SourceCount);
    }

    [Fact]
    public void Deletion_keeps_the_surrounding_whitespace()
    {
        var attack = new WordEditAttack(new EditRates(deletion: 1), ["x"]);
        TextAttackResult all = attack.Apply("  a b\tc\n", 1);
        Assert.Equal("  \n", all.Text);
        Assert.Equal(3, all.Deleted);
        Assert.Equal("a c\n", new WordEditAttack(new EditRates(deletion: 0.5), ["x"]).Apply("a b c\n", FindSeedDeletingOnly("a b c\n", "a c\n")).Text);
    }

    private static ulong FindSeedDeletingOnly(string text, string expected)
    {
        var attack = new WordEditAttack(new EditRates(deletion: 0.5), ["x"]);
        for (ulong seed = 0; seed < 1000; seed++)
        {
            if (attack.Apply(text, seed).Text == expected)
            {
                return seed;
            }
        }

        throw new InvalidOperationException("no seed deletes exactly the middle word");
    }

    [Fact]
    public void Substitution_draws_another_word()
    {
        TextAttackResult result = new WordEditAttack(new EditRates(substitution: 1), ["a", "b"]).Apply("a a a a", 2);
        Assert.Equal("b b b b", result.Text);
    }
}
