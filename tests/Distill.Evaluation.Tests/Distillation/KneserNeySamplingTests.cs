using System;
using System.Linq;
using Distill.Tokenizers;

namespace Distill.Evaluation.Tests.Distillation;

[Collection(SharedModel.Name)]
public sealed class KneserNeySamplingTests
{
    private const int Draws = 20_000;
    private readonly ModelFixture _fixture;

    public KneserNeySamplingTests(ModelFixture fixture) => _fixture = fixture;

    public static TheoryData<int> Orders => [1, 2, 3, 4, 5];

    [Fact]
    public void The_sampler_draws_from_the_built_in_models_distribution()
    {
        KneserNeyModel model = _fixture.Model;
        int[] text = _fixture.HeldOut[3].Ids.ToArray();
        float[] logProbabilities = new float[model.VocabularySize];
        var random = new Xoshiro256StarStar(17);

        // The empty context, seen contexts of held-out text, and a context never seen in training.
        int[][] contexts = [[], text[40..42], text[100..102], text[7..9], [text[55], 199_990]];
        foreach (int[] context in contexts)
        {
            model.GetLogProbabilities(context, logProbabilities);
            double[] expected = ChiSquare.Exp(logProbabilities);
            var draws = new int[Draws];
            for (int i = 0; i < Draws; i++)
            {
                draws[i] = model.Sample(context, ref random);
            }

            double log10P = ChiSquare.Log10PValue(ChiSquare.Count(draws), expected, Draws);
            Assert.True(log10P > -4, $"context [{string.Join(",", context)}]: log10 p = {log10P}");
        }
    }

    [Fact]
    public void The_chi_square_check_rejects_the_wrong_distribution()
    {
        // The same draws tested against the unigram distribution (a shorter context) must fail.
        KneserNeyModel model = _fixture.Model;
        int[] context = _fixture.HeldOut[3].Ids.ToArray()[40..42];
        float[] logProbabilities = new float[model.VocabularySize];
        model.GetLogProbabilities([], logProbabilities);
        double[] unigram = ChiSquare.Exp(logProbabilities);
        var random = new Xoshiro256StarStar(17);
        int[] draws = [.. Enumerable.Range(0, Draws).Select(_ => model.Sample(context, ref random))];

        Assert.True(ChiSquare.Log10PValue(ChiSquare.Count(draws), unigram, Draws) < -10);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void The_sampler_matches_the_distribution_of_small_models_of_every_order(int order)
    {
        (KneserNeyModel model, int[][] documents) = ToyModel(order, seed: 3);
        float[] logProbabilities = new float[model.VocabularySize];
        var random = new Xoshiro256StarStar(5);
        var pick = new Random(9);
        for (int trial = 0; trial < 12; trial++)
        {
            int[] context = Context(documents, pick, model.VocabularySize, order);
            model.GetLogProbabilities(context, logProbabilities);
            double[] expected = ChiSquare.Exp(logProbabilities);
            int[] draws = [.. Enumerable.Range(0, 5000).Select(_ => model.Sample(context, ref random))];
            double log10P = ChiSquare.Log10PValue(ChiSquare.Count(draws), expected, draws.Length);
            Assert.True(log10P > -4, $"order {order}, context [{string.Join(",", context)}]: log10 p = {log10P}");
        }
    }

    [Fact]
    public void The_sampler_is_a_function_of_the_uniform_number()
    {
        KneserNeyModel model = _fixture.Model;
        int[] context = _fixture.HeldOut[3].Ids.ToArray()[40..42];
        Assert.Equal(model.Sample(context, 0.25), model.Sample(context, 0.25));
        Assert.True(model.IsSeen(model.Sample(context, 0)));
        Assert.True(model.IsSeen(model.Sample(context, Math.BitDecrement(1.0))));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(context, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(context, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(context, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample([-1, 5], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.MostLikelyNextToken([5, model.VocabularySize]));
    }

    [Fact]
    public void The_argmax_equals_the_argmax_of_the_dense_distribution_of_the_built_in_model()
    {
        KneserNeyModel model = _fixture.Model;
        float[] logProbabilities = new float[model.VocabularySize];
        int checkedContexts = 0;
        foreach (TokenizedText document in _fixture.HeldOut.Take(6))
        {
            int[] ids = document.Ids.ToArray();
            for (int i = 0; i + 2 <= ids.Length && i < 1200; i += 3)
            {
                ReadOnlySpan<int> context = ids.AsSpan(i, Math.Min(2, i % 4));
                model.GetLogProbabilities(context, logProbabilities);
                Assert.Equal(LogitTransforms.ArgMax(logProbabilities), model.MostLikelyNextToken(context));
                checkedContexts++;
            }
        }

        Assert.True(checkedContexts > 1000);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void The_argmax_equals_the_argmax_of_the_dense_distribution_of_small_models(int order)
    {
        (KneserNeyModel model, int[][] documents) = ToyModel(order, seed: 21);
        float[] logProbabilities = new float[model.VocabularySize];
        var pick = new Random(4);
        for (int trial = 0; trial < 400; trial++)
        {
            int[] context = Context(documents, pick, model.VocabularySize, order);
            model.GetLogProbabilities(context, logProbabilities);
            Assert.Equal(LogitTransforms.ArgMax(logProbabilities), model.MostLikelyNextToken(context));
        }
    }

    // Skewed random documents over 40 ids, of which the last 4 never occur (masked ids).
    private static (KneserNeyModel Model, int[][] Documents) ToyModel(int order, int seed)
    {
        var random = new Random(seed);
        int[][] documents = [.. Enumerable.Range(0, 30).Select(_ => Enumerable.Range(0, random.Next(5, 60)).Select(_ => (int)(36 * Math.Pow(random.NextDouble(), 2))).ToArray())];
        return (KneserNeyModel.Train(documents.Select(d => (ReadOnlyMemory<int>)d), 40, order), documents);
    }

    // Contexts from the training text (seen), random ones (mostly unseen, sometimes with masked ids), and short ones.
    private static int[] Context(int[][] documents, Random random, int vocabularySize, int order)
    {
        int length = random.Next(0, order + 1);
        if (random.Next(2) == 0)
        {
            int[] document = documents[random.Next(documents.Length)];
            int end = random.Next(0, document.Length + 1);
            return document[Math.Max(0, end - length)..end];
        }

        return [.. Enumerable.Range(0, length).Select(_ => random.Next(vocabularySize))];
    }
}
