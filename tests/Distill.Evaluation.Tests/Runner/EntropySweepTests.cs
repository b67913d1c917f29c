using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using Distill.Evaluation.Runner;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Runner;

/// <summary>The entropy sweep's parts: entropy, the sampling it measures, the size metric, the independent model, and a tiny sweep.</summary>
public sealed class EntropySweepTests(ITestOutputHelper output)
{
    private static readonly SamplingSetting s_hot = new(1.0, 0.9);
    private static readonly SamplingSetting s_cold = new(0.3, 0.9);

    private static readonly Lazy<EntropySweepReport> s_tiny = new(() => EntropySweep.Run(Tiny(threads: 2)));

    private static EntropySweepOptions Tiny(int threads) => new()
    {
        Schemes = EvaluationSchemes.Select(["kgw-lefthash", "gumbel"]),
        Settings = [s_hot, s_cold],
        Generations = 3,
        MaxTokens = 60,
        Seed = 11,
        MaxDegreeOfParallelism = threads,
    };

    [Property(MaxTest = 200, Replay = "(20261205,1)")]
    public Property Entropy_of_k_equal_logits_among_masked_ones_is_log_k() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 400)), Arb.From(Gen.Choose(0, 400)), Arb.From(Gen.Choose(-3000, 3000)), (k, masked, level) =>
        {
            float[] logits = [.. Enumerable.Repeat(level / 100f, k), .. Enumerable.Repeat(float.NegativeInfinity, masked)];
            double h = LogitTransforms.Entropy(logits, new float[logits.Length]);
            return Math.Abs(h - Math.Log(k)) < 1e-5;
        });

    [Property(MaxTest = 200, Replay = "(20261206,1)")]
    public Property Entropy_matches_the_definition_on_random_distributions() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 200).SelectMany(n => Gen.ArrayOf(Gen.Choose(-1500, 1500).Select(i => i / 100f), n))), logits =>
        {
            double max = logits.Max();
            double[] w = [.. logits.Select(l => Math.Exp(l - max))];
            double z = w.Sum();
            double expected = -w.Sum(x => x / z * Math.Log(x / z));
            double actual = LogitTransforms.Entropy(logits, new float[logits.Length]);
            return Math.Abs(actual - expected) < 1e-5 * Math.Max(1, expected);
        });

    [Fact]
    public void Entropy_of_a_two_point_distribution_is_the_binary_entropy()
    {
        foreach (double p in new[] { 0.5, 0.1, 0.01, 0.9 })
        {
            float[] logits = [(float)Math.Log(p), (float)Math.Log(1 - p), float.NegativeInfinity];
            double expected = -(p * Math.Log(p)) - ((1 - p) * Math.Log(1 - p));
            Assert.Equal(expected, LogitTransforms.Entropy(logits, new float[3]), 5);
        }

        Assert.Equal(0, LogitTransforms.Entropy([3f, float.NegativeInfinity], new float[2]));
        Assert.True(double.IsNaN(LogitTransforms.Entropy([float.NegativeInfinity], new float[1])));
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(1.0, 0.9)]
    [InlineData(0.5, 0.9)]
    [InlineData(0.3, 0.6)]
    public void The_generator_records_the_entropy_after_temperature_and_top_p(double temperature, double topP)
    {
        KneserNeyModel model = SmallModel();
        var generator = new TextGenerator(model);
        int[] prompt = [1, 2];
        var tokens = new int[80];
        var entropies = new double[tokens.Length];
        generator.GenerateWithEntropy(prompt, tokens, new SamplingOptions { Temperature = temperature, TopP = topP, Seed = 5 }, null, entropies);

        // The same tokens as the public loop: measuring changes nothing.
        var plain = new int[tokens.Length];
        generator.Generate(prompt, plain, new SamplingOptions { Temperature = temperature, TopP = topP, Seed = 5 });
        Assert.Equal(plain, tokens);

        // Reference, in double: softmax(log p / T), keep the most probable (then lowest id) tokens until mass >= top-p, renormalize.
        int[] all = [.. prompt, .. tokens];
        var logProbabilities = new float[model.VocabularySize];
        for (int step = 0; step < tokens.Length; step++)
        {
            model.GetLogProbabilities(all.AsSpan(step, 2), logProbabilities);
            double[] scaled = [.. logProbabilities.Select(l => l / temperature)];
            double max = scaled.Max();
            double[] p = [.. scaled.Select(l => Math.Exp(l - max))];
            double z = p.Sum();
            int[] ranked = [.. Enumerable.Range(0, p.Length).Where(i => p[i] > 0).OrderByDescending(i => p[i]).ThenBy(i => i)];
            var kept = new List<int>();
            double mass = 0;
            foreach (int i in ranked)
            {
                kept.Add(i);
                mass += p[i] / z;
                if (mass >= topP - 1e-9)
                {
                    break;
                }
            }

            double keptMass = kept.Sum(i => p[i]);
            double expected = -kept.Sum(i => p[i] / keptMass * Math.Log(p[i] / keptMass));
            Assert.Equal(expected, entropies[step], 4);
            Assert.Contains(tokens[step], kept);
        }
    }

    [Fact]
    public void Size_is_the_first_prefix_at_the_threshold_and_not_reached_counts_as_infinite()
    {
        int[] lengths = [5, 10, 15, 20];
        Assert.Equal(10, DetectionSize.FirstReached(lengths, [-2.0, -6.0, -5.0, -9.0], -6.0)); // first crossing, even if it recrosses
        Assert.Equal(5, DetectionSize.FirstReached(lengths, [-7.0, -1.0, -1.0, -1.0], -6.0));
        Assert.Null(DetectionSize.FirstReached(lengths, [-1.0, -5.9, -3.0, -5.99], -6.0));
        Assert.Throws<ArgumentException>(() => DetectionSize.FirstReached(lengths, [-1.0], -6.0));
        Assert.Throws<ArgumentException>(() => DetectionSize.FirstReached([5, 5], [-1.0, -1.0], -6.0));

        int?[] sizes = [30, null, 10, 20, null];
        Assert.Equal(30, DetectionSize.Quantile(sizes, 0.5)); // sorted 10, 20, 30, inf, inf; rank ceil(2.5) = 3
        Assert.Equal(30, DetectionSize.Quantile(sizes, 0.6));
        Assert.Equal(double.PositiveInfinity, DetectionSize.Quantile(sizes, 0.61));
        Assert.Equal(10, DetectionSize.Quantile(sizes, 0.2));
        Assert.Equal(double.PositiveInfinity, DetectionSize.Quantile([null, null, 5], 0.5));
        Assert.Equal(5, DetectionSize.Quantile([null, 5, 5], 0.5));
    }

    [Fact]
    public void The_independent_model_is_trained_on_other_documents_and_scores_human_text_sanely()
    {
        // Disjoint from the generator's training documents and from the prompt documents.
        for (int index = 0; index < BrownCorpus.DocumentCount; index++)
        {
            Assert.False(IndependentModel.IsTrainingIndex(index) && (!BrownCorpus.IsHeldOutIndex(index) || IndependentModel.IsPromptIndex(index)), $"document {index}");
            Assert.False(IndependentModel.IsPromptIndex(index) && !BrownCorpus.IsHeldOutIndex(index), $"document {index}");
        }

        KneserNeyModel judge = IndependentModel.Model;
        Assert.Equal(5, judge.Order);
        Assert.NotSame(BuiltInModel.Model, judge);

        // Human text it never saw (the prompt documents) versus text it trained on, and the generator's training text.
        CorpusPassage[] unseen = [.. BrownCorpus.HeldOutPassages(BuiltInModel.Tokenizer, 200).Where(p => IndependentModel.IsPromptIndex(p.Document.Index)).Take(40)];
        CorpusPassage[] seen = [.. BrownCorpus.HeldOutPassages(BuiltInModel.Tokenizer, 200).Where(p => IndependentModel.IsTrainingIndex(p.Document.Index)).Take(40)];
        ReadOnlyMemory<int>[] generatorTraining = [.. BrownCorpus.EncodeTrainingDocuments(BuiltInModel.Tokenizer).Take(10).Select(d => d[..200])];
        double unseenPpl = judge.ComputePerplexity(unseen.Select(p => p.Tokens)).Perplexity;
        double seenPpl = judge.ComputePerplexity(seen.Select(p => p.Tokens)).Perplexity;
        double generatorTrainingUnderJudge = judge.ComputePerplexity(generatorTraining).Perplexity;
        double generatorTrainingUnderGenerator = BuiltInModel.Model.ComputePerplexity(generatorTraining).Perplexity;
        output.WriteLine($"judge: unseen human {unseenPpl:F1}, own training {seenPpl:F1}, generator's training {generatorTrainingUnderJudge:F1} (generator itself {generatorTrainingUnderGenerator:F1})");
        Assert.InRange(unseenPpl, 50, 3000);
        Assert.True(seenPpl < unseenPpl / 3, "a 5-gram model nearly memorizes its own training text");
        Assert.True(generatorTrainingUnderJudge > 3 * generatorTrainingUnderGenerator, "the judge has not seen the generator's training text");
        Assert.InRange(generatorTrainingUnderJudge, 50, 3000);
    }

    [Fact]
    public void A_tiny_sweep_is_deterministic_and_measures_entropy_power_and_perplexity()
    {
        EntropySweepReport report = s_tiny.Value;
        string markdown = report.ToMarkdown();
        output.WriteLine(markdown);
        Assert.Equal(2 * 3, report.Cells.Count);

        EntropySweepCell hot = report.Cell(s_hot, EntropySweep.Plain), cold = report.Cell(s_cold, EntropySweep.Plain);
        Assert.InRange(cold.MeanEntropy, 0.05, hot.MeanEntropy / 2);
        Assert.InRange(hot.MeanEntropy, 2, 8);
        Assert.True(cold.Perplexity < hot.Perplexity, "colder sampling gives text the judge finds more probable");
        Assert.Empty(hot.Sizes);

        EntropySweepCell gumbel = report.Cell(s_hot, "gumbel");
        Assert.Equal(3, gumbel.Sizes.Count);
        Assert.Equal(3, gumbel.Detected); // at ~5 nats, Gumbel-max reaches 1e-6 in a few dozen tokens
        Assert.All(gumbel.Sizes, s => Assert.InRange(s!.Value, 5, 60));
        Assert.True(gumbel.MeanLog10PValue < -6);
        Assert.Equal(gumbel.Sizes.Count(s => s is null), gumbel.NotReached);

        // Same seed, other parallelism: the same report.
        EntropySweepReport again = EntropySweep.Run(Tiny(threads: 1));
        Assert.Equal(markdown, again.ToMarkdown());
        Assert.Equal(report.ToSizeSvg(), again.ToSizeSvg());

        foreach (string svg in new[] { report.ToSizeSvg(), report.ToPerplexitySvg() })
        {
            XDocument document = XDocument.Parse(svg);
            Assert.Equal("svg", document.Root!.Name.LocalName);
            Assert.Equal(report.Options.Schemes.Count + (svg == report.ToPerplexitySvg() ? 1 : 0), document.Descendants().Count(e => e.Name.LocalName == "polyline"));
        }
    }

    // A tiny order-3 model over 40 ids: skewed, so temperature and top-p matter.
    private static KneserNeyModel SmallModel()
    {
        var random = new Random(3);
        ReadOnlyMemory<int>[] documents = [.. Enumerable.Range(0, 30).Select(_ => (ReadOnlyMemory<int>)Enumerable.Range(0, 200).Select(_ => (int)(40 * Math.Pow(random.NextDouble(), 3))).ToArray())];
        return KneserNeyModel.Train(documents, 40, 3);
    }
}
