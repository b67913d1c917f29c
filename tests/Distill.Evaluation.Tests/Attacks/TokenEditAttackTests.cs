using System;
using System.Linq;
using Distill.Evaluation.Attacks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Evaluation.Tests.Attacks;

public sealed class TokenEditAttackTests
{
    // Replacements come from ids the source never uses, so every edit is visible.
    private static readonly TokenDistribution s_replacements = TokenDistribution.Uniform(Enumerable.Range(5000, 500));

    [Property(MaxTest = 40, Replay = "(3141592,2718281)")]
    public Property Observed_counts_are_within_binomial_bounds_of_the_rates(int seed)
    {
        var random = new Random(seed);
        var rates = new EditRates(random.Next(0, 51) / 100.0, random.Next(0, 31) / 100.0, random.Next(0, 51) / 100.0);
        int[] source = AttackAssert.Tokens(random.Next(500, 4000), seed);
        TokenAttackResult result = new TokenEditAttack(rates, s_replacements).Apply(source, unchecked((ulong)seed));

        bool deleted = AttackAssert.RateConsistent(result.Deleted, source.Length, rates.Deletion, out string d);
        bool substituted = AttackAssert.RateConsistent(result.Substituted, source.Length - result.Deleted, rates.Substitution, out string s);
        bool inserted = AttackAssert.RateConsistent(result.Inserted, source.Length, rates.Insertion, out string i);
        bool length = result.Tokens.Length == source.Length - result.Deleted + result.Inserted;

        // Source ids are below 1000, replacements at least 5000: the new ids are exactly the edits.
        bool visible = result.Tokens.ToArray().Count(t => t >= 5000) == result.Substituted + result.Inserted;
        return (deleted && substituted && inserted && length && visible).Label($"{d}; {s}; {i}; length {length}; visible {visible}");
    }

    [Property(MaxTest = 30, Replay = "(161803,39887)")]
    public Property Same_seed_gives_the_same_output_and_another_seed_a_different_one(int seed)
    {
        int[] source = AttackAssert.Tokens(300, seed);
        var attack = new TokenEditAttack(new EditRates(0.1, 0.1, 0.1), s_replacements);
        int[] first = attack.Apply(source, unchecked((ulong)seed)).Tokens.ToArray();
        int[] again = attack.Apply(source, unchecked((ulong)seed)).Tokens.ToArray();
        int[] other = attack.Apply(source, unchecked((ulong)seed + 1)).Tokens.ToArray();
        return (first.SequenceEqual(again) && !first.SequenceEqual(other)).Label($"seed {seed}");
    }

    [Property(MaxTest = 30, Replay = "(8675309,12345)")]
    public Property Rate_zero_is_the_identity(int seed)
    {
        int[] source = AttackAssert.Tokens(new Random(seed).Next(0, 500), seed);
        TokenAttackResult result = new TokenEditAttack(EditRates.None, s_replacements).Apply(source, unchecked((ulong)seed));
        return (result.Tokens.ToArray().SequenceEqual(source) && result.Substituted == 0 && result.Inserted == 0 && result.Deleted == 0).ToProperty();
    }

    [Property(MaxTest = 30, Replay = "(2024,777)")]
    public Property Output_ids_come_from_the_source_or_the_distribution(int seed)
    {
        var random = new Random(seed);
        int[] source = AttackAssert.Tokens(random.Next(1, 800), seed);
        var rates = new EditRates(random.NextDouble(), random.NextDouble(), random.NextDouble());
        TokenAttackResult result = new TokenEditAttack(rates, s_replacements).Apply(source, unchecked((ulong)seed));
        var allowed = source.Concat(s_replacements.Tokens.ToArray()).ToHashSet();
        return result.Tokens.ToArray().All(allowed.Contains).ToProperty();
    }

    [Fact]
    public void Full_deletion_leaves_nothing_and_full_substitution_changes_every_token()
    {
        int[] source = AttackAssert.Tokens(200, 1);
        Assert.Empty(new TokenEditAttack(new EditRates(deletion: 1), s_replacements).Apply(source, 5).Tokens.ToArray());
        int[] substituted = new TokenEditAttack(new EditRates(substitution: 1), s_replacements).Apply(source, 5).Tokens.ToArray();
        Assert.Equal(source.Length, substituted.Length);
        Assert.All(substituted, t => Assert.InRange(t, 5000, 5499));
    }

    [Fact]
    public void Substitution_draws_a_different_token_when_the_distribution_has_one()
    {
        int[] source = Enumerable.Repeat(7, 500).ToArray();
        var narrow = TokenDistribution.Uniform([7, 8]);
        int[] result = new TokenEditAttack(new EditRates(substitution: 1), narrow).Apply(source, 9).Tokens.ToArray();
        Assert.All(result, t => Assert.Equal(8, t));
    }

    [Fact]
    public void Weighted_distribution_draws_ids_in_proportion()
    {
        var weights = new double[10];
        weights[2] = 1;
        weights[9] = 3;
        var distribution = TokenDistribution.FromWeights(weights);
        Assert.Equal([2, 9], distribution.Tokens.ToArray());
        int[] source = new int[20_000];
        int[] result = new TokenEditAttack(new EditRates(substitution: 1), distribution).Apply(source, 11).Tokens.ToArray();
        int nines = result.Count(t => t == 9);
        Assert.True(AttackAssert.RateConsistent(nines, result.Length, 0.75, out string why), why);
        Assert.All(result, t => Assert.True(t is 2 or 9));
    }

    [Fact]
    public void Unigram_counts_weight_the_draws()
    {
        ReadOnlyMemory<int>[] documents = [new[] { 4, 4, 4, 6 }, new[] { 4, 4, 4, 6 }];
        var distribution = TokenDistribution.FromCounts(documents);
        int[] result = new TokenEditAttack(new EditRates(insertion: 1), distribution).Apply(new int[10_000], 3).Tokens.ToArray();
        int fours = result.Count(t => t == 4);
        Assert.True(AttackAssert.RateConsistent(fours, 10_000, 0.75, out string why), why);
    }
}
