using System;
using System.Linq;
using Distill.Evaluation.Distillation;
using Distill.Evaluation.Runner;
using Distill.GreenList;
using Distill.Radioactivity;

namespace Distill.Evaluation.Tests.Distillation;

/// <summary>
/// A student that never saw watermarked text but quotes its watermarked prompts must not test
/// positive when the prompts are excluded, and does test positive when they are not.
/// </summary>
[Collection(SharedModel.Name)]
public sealed class PromptExclusionTests
{
    private const int Keys = 100;
    private const int Prompts = 4;
    private const int Tokens = 200;
    private const double QuoteProbability = 0.1;
    private const double ContinueProbability = 0.95;

    private readonly ModelFixture _fixture;

    public PromptExclusionTests(ModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void A_copying_student_is_negative_with_its_prompts_excluded_and_positive_without()
    {
        // The student is the built-in model, trained on human Brown text only.
        KneserNeyModel student = _fixture.Model;
        int[][] seeds = [.. _fixture.Training.Take(Prompts * 3).Where((_, i) => i % 3 == 0).Select(d => d.Span[..32].ToArray())];
        var excluded = new double[Keys];
        var included = new double[Keys];
        var copiedFraction = new double[Keys];
        for (int k = 0; k < Keys; k++)
        {
            var scheme = (KgwScheme)DistillationExperiment.KgwLeftHash2.Create(EvaluationRunner.Key(2, "prompt-exclusion", k), student.VocabularySize, _fixture.Tokenizer.Name);

            // Watermarked prompts: a human start and 200 watermarked tokens.
            int[][] prompts = new int[Prompts][];
            for (int p = 0; p < Prompts; p++)
            {
                int[] watermarked = new int[Tokens];
                KgwRejectionSampler.Generate(student, scheme, seeds[p], watermarked, EvaluationRunner.Mix(2, (ulong)k, (ulong)p));
                prompts[p] = [.. seeds[p], .. watermarked];
            }

            var random = new Xoshiro256StarStar(EvaluationRunner.Mix(3, (ulong)k, 0));
            int copied = 0;
            int[][] outputs = [.. prompts.Select(prompt => Answer(student, prompt, ref random, ref copied))];
            copiedFraction[k] = copied / (double)(Prompts * Tokens);

            var withPrompts = new ClosedModelTest(scheme);
            foreach (int[] prompt in prompts)
            {
                withPrompts.AddPrompt(prompt);
            }

            var withoutPrompts = new ClosedModelTest(scheme);
            foreach (int[] output in outputs)
            {
                withPrompts.AddOutput(output);
                withoutPrompts.AddOutput(output);
            }

            RadioactivityResult result = withPrompts.GetResult();
            Assert.True(result.ExcludedByPrompt > 0);
            excluded[k] = result.Log10PValue;
            included[k] = withoutPrompts.GetResult().Log10PValue;
        }

        Assert.True(copiedFraction.Average() > 0.3, $"the student copies {copiedFraction.Average():P0} of its tokens");
        Assert.True(excluded.Min() > -3, $"with prompt exclusion the smallest log10 p over {Keys} keys is {excluded.Min()}");
        Assert.True(excluded.Count(v => v <= -2) <= 5, $"{excluded.Count(v => v <= -2)} of {Keys} keys at p <= 1e-2 with exclusion");
        Assert.True(included.Count(v => v < -3) >= 0.9 * Keys, $"without exclusion only {included.Count(v => v < -3)} of {Keys} keys at p < 1e-3");
    }

    // Quotes its prompt as LLMs do: with probability QuoteProbability a quote starts at a random
    // prompt position and goes on with probability ContinueProbability per token; otherwise the
    // token is sampled from the model.
    private static int[] Answer(KneserNeyModel student, int[] prompt, ref Xoshiro256StarStar random, ref int copied)
    {
        int[] text = [.. prompt, .. new int[Tokens]];
        int quote = -1;
        for (int t = prompt.Length; t < text.Length; t++)
        {
            if (quote >= 0 && quote < prompt.Length && random.NextDouble() < ContinueProbability)
            {
                text[t] = prompt[quote++];
                copied++;
            }
            else if (random.NextDouble() < QuoteProbability)
            {
                quote = (int)(random.NextUInt64() % (ulong)prompt.Length);
                text[t] = prompt[quote++];
                copied++;
            }
            else
            {
                quote = -1;
                text[t] = student.Sample(text.AsSpan(t - 2, 2), ref random);
            }
        }

        return text[prompt.Length..];
    }
}
