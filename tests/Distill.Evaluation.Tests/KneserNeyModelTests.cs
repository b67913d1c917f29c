using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Evaluation.Tests;

[Collection(SharedModel.Name)]
public sealed class KneserNeyModelTests
{
    private const int ToyVocabularySize = 24;
    private readonly ModelFixture _fixture;

    public KneserNeyModelTests(ModelFixture fixture) => _fixture = fixture;

    public static TheoryData<int> Orders => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Orders))]
    public void Matches_a_literal_implementation_of_the_formulas(int order)
    {
        int[][] documents = ToyDocuments(seed: 7);
        KneserNeyModel model = KneserNeyModel.Train(documents.Select(d => (ReadOnlyMemory<int>)d), ToyVocabularySize, order);
        var reference = new ReferenceKneserNey(documents, ToyVocabularySize, order);
        var random = new Random(11);
        float[] logProbabilities = new float[ToyVocabularySize];
        for (int trial = 0; trial < 60; trial++)
        {
            // Contexts from the training text (seen n-grams), and random ones (unseen, short, with unseen ids).
            int[] context = trial % 2 == 0
                ? TakeContext(documents[random.Next(documents.Length)], random)
                : Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(ToyVocabularySize)).ToArray();
            model.GetLogProbabilities(context, logProbabilities);
            for (int w = 0; w < ToyVocabularySize; w++)
            {
                double expected = reference.Probability(context, w);
                double logP = model.LogProbability(context, w);
                if (expected == 0)
                {
                    Assert.Equal(float.NegativeInfinity, logProbabilities[w]);
                    Assert.Equal(double.NegativeInfinity, logP);
                }
                else
                {
                    Assert.Equal(Math.Log(expected), logP, 1e-9);
                    Assert.Equal(expected, Math.Exp(logProbabilities[w]), 1e-6);
                }
            }
        }

        Assert.Equal(documents.Sum(d => d.Length), model.TrainingTokenCount);
    }

    [Property(MaxTest = 60, Replay = "(20250105,1)")]
    public Property Distribution_sums_to_one_for_any_context()
    {
        KneserNeyModel model = _fixture.Model;
        int[] training = _fixture.Training[0].ToArray();
        Gen<int> token = Gen.Frequency(
            (3, Gen.Elements(training)),
            (1, Gen.Choose(0, model.VocabularySize - 1)));
        Arbitrary<int[]> contexts = Gen.Choose(0, 6).SelectMany(length => Gen.ArrayOf(token, length)).ToArbitrary();
        float[] logProbabilities = new float[model.VocabularySize];
        return Prop.ForAll(contexts, context =>
        {
            model.GetLogProbabilities(context, logProbabilities);
            double sum = 0;
            foreach (float logP in logProbabilities)
            {
                sum += Math.Exp(logP);
            }

            return Math.Abs(sum - 1) < 1e-4;
        });
    }

    [Fact]
    public void Ids_never_seen_in_training_have_negative_infinite_log_probability()
    {
        KneserNeyModel model = _fixture.Model;
        var seen = new HashSet<int>();
        foreach (ReadOnlyMemory<int> document in _fixture.Training)
        {
            foreach (int id in document.Span)
            {
                seen.Add(id);
            }
        }

        Assert.Equal(seen.Count, model.SeenTokenCount);
        Assert.True(seen.Count < model.VocabularySize / 2, "the test needs unseen ids");
        float[] logProbabilities = new float[model.VocabularySize];
        int[][] contexts = [[], _fixture.Training[3].Span[..2].ToArray(), _fixture.HeldOut[5].Ids.Span[40..44].ToArray(), [199997, 5]];
        foreach (int[] context in contexts)
        {
            model.GetLogProbabilities(context, logProbabilities);
            for (int w = 0; w < model.VocabularySize; w++)
            {
                Assert.Equal(seen.Contains(w), model.IsSeen(w));
                Assert.Equal(!seen.Contains(w), float.IsNegativeInfinity(logProbabilities[w]));
                Assert.False(float.IsNaN(logProbabilities[w]) || logProbabilities[w] > 0);
            }
        }
    }

    [Fact]
    public void Single_token_and_full_distribution_agree()
    {
        KneserNeyModel model = _fixture.Model;
        ReadOnlySpan<int> text = _fixture.HeldOut[9].Ids.Span;
        float[] logProbabilities = new float[model.VocabularySize];
        for (int i = 0; i < 400; i += 7)
        {
            ReadOnlySpan<int> context = text[Math.Max(0, i - 5)..i];
            model.GetLogProbabilities(context, logProbabilities);
            int token = text[i];
            double logP = model.LogProbability(context, token);
            if (double.IsNegativeInfinity(logP))
            {
                Assert.Equal(float.NegativeInfinity, logProbabilities[token]);
            }
            else
            {
                Assert.Equal(logP, logProbabilities[token], 1e-4);
            }
        }
    }

    [Fact]
    public void Trigram_perplexity_on_held_out_text_is_well_below_bigram_and_unigram()
    {
        KneserNeyModel trigram = _fixture.Model;
        KneserNeyModel bigram = KneserNeyModel.Train(_fixture.Training, trigram.VocabularySize, 2);
        KneserNeyModel unigram = KneserNeyModel.Train(_fixture.Training, trigram.VocabularySize, 1);
        ReadOnlyMemory<int>[] heldOut = _fixture.HeldOut.Select(t => t.Ids).ToArray();

        PerplexityResult p3 = trigram.ComputePerplexity(heldOut);
        PerplexityResult p2 = bigram.ComputePerplexity(heldOut);
        PerplexityResult p1 = unigram.ComputePerplexity(heldOut);

        // Same training vocabulary, so the same tokens are scored by all three.
        Assert.Equal(p1.ScoredTokenCount, p3.ScoredTokenCount);
        Assert.Equal(p1.ZeroProbabilityTokenCount, p2.ZeroProbabilityTokenCount);
        Assert.True(p3.ScoredTokenCount > 400_000, p3.ToString());
        Assert.True(p3.Perplexity < 0.5 * p1.Perplexity, $"trigram {p3}, unigram {p1}");
        Assert.True(p3.Perplexity < 0.97 * p2.Perplexity, $"trigram {p3}, bigram {p2}");
        Assert.True(p2.Perplexity < p1.Perplexity, $"bigram {p2}, unigram {p1}");

        // And it has learned its training text far better than text it never saw.
        PerplexityResult training = trigram.ComputePerplexity(_fixture.Training.Take(20));
        Assert.True(training.Perplexity < 0.2 * p3.Perplexity, $"training {training}, held-out {p3}");
    }

    [Fact]
    public void Discounts_are_estimated_per_order_within_their_ranges()
    {
        KneserNeyModel model = _fixture.Model;
        Assert.Equal(3, model.Order);
        for (int order = 1; order <= 3; order++)
        {
            KneserNeyDiscounts d = model.GetDiscounts(order);
            Assert.InRange(d.One, 0.3, 1);
            Assert.InRange(d.Two, d.One, 2);
            Assert.InRange(d.ThreePlus, d.One, 3);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetDiscounts(4));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        KneserNeyModel model = _fixture.Model;
        Assert.Throws<ArgumentException>(() => model.GetLogProbabilities([], new float[model.VocabularySize - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetLogProbabilities([model.VocabularySize], new float[model.VocabularySize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.LogProbability([1, 2], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyModel.Train([new[] { 1, 2 }], 10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyModel.Train([new[] { 1, 2 }], 10, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyModel.Train([new[] { 1, 12 }], 10, 3));
        Assert.Throws<ArgumentException>(() => KneserNeyModel.Train([Array.Empty<int>()], 10, 3));
    }

    [Fact]
    public void Writing_a_distribution_allocates_nothing()
    {
        KneserNeyModel model = _fixture.Model;
        float[] logProbabilities = new float[model.VocabularySize];
        int[] text = _fixture.HeldOut[0].Ids.Span[..64].ToArray();
        // Three measured rounds after a warm-up of the same calls; the runtime itself (tiered
        // compilation) may allocate once in a while, a per-call allocation shows in every round.
        long least = long.MaxValue;
        for (int round = 0; round < 4; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                model.GetLogProbabilities(text.AsSpan(i % 60, 1 + (i % 3)), logProbabilities);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            least = round == 0 ? least : Math.Min(least, allocated);
        }

        Assert.True(least < 200, $"GetLogProbabilities allocated {least} bytes over 200 calls");
    }

    [Fact]
    public void Concurrent_readers_see_the_same_distributions()
    {
        KneserNeyModel model = _fixture.Model;
        int[][] contexts = Enumerable.Range(0, 8).Select(i => _fixture.HeldOut[i].Ids.Span.Slice(10 * i, 2).ToArray()).ToArray();
        float[][] expected = contexts.Select(c =>
        {
            float[] d = new float[model.VocabularySize];
            model.GetLogProbabilities(c, d);
            return d;
        }).ToArray();

        float[][] actual = new float[contexts.Length * 4][];
        Parallel.For(0, actual.Length, i =>
        {
            actual[i] = new float[model.VocabularySize];
            model.GetLogProbabilities(contexts[i % contexts.Length], actual[i]);
        });

        for (int i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i % contexts.Length], actual[i]);
        }
    }

    // Documents over ids 0..19 of a 24-id vocabulary (20..23 never occur), with first-order structure
    // and enough repetition that every count of counts is positive.
    private static int[][] ToyDocuments(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 40).Select(_ =>
        {
            int length = random.Next(0, 50);
            int[] document = new int[length];
            for (int i = 0; i < length; i++)
            {
                document[i] = i > 0 && random.NextDouble() < 0.6
                    ? ((document[i - 1] * 7) + random.Next(0, 3)) % 20
                    : Math.Min(19, (int)(-Math.Log(1 - random.NextDouble()) * 4));
            }

            return document;
        }).ToArray();
    }

    private static int[] TakeContext(int[] document, Random random)
    {
        if (document.Length == 0)
        {
            return [];
        }

        int end = random.Next(0, document.Length);
        return document[Math.Max(0, end - random.Next(0, 6))..end];
    }
}
