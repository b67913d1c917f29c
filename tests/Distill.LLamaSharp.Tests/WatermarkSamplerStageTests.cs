using System;
using System.Linq;
using LLama.Native;

namespace Distill.LLamaSharp.Tests;

/// <summary>The stages on hand-made candidate arrays: sorted and truncated as llama.cpp passes them, roles, reset, clone and refusals.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class WatermarkSamplerStageTests(TinyModelFixture model)
{
    private const int Vocabulary = TinyGguf.Vocabulary;
    private static readonly int[] Prompt = [1, 40, 41, 42, 43, 44, 45, 46];

    /// <summary>A bias stage on a truncated, sorted candidate set writes what the session makes of the full vocabulary with every other token masked.</summary>
    /// <param name="name">The scheme.</param>
    [Theory]
    [InlineData("kgw")]
    [InlineData("unigram")]
    [InlineData("synthid")]
    public void BiasStageMatchesTheSessionOnTheMaskedVocabulary(string name)
    {
        WatermarkScheme scheme = TestSchemes.Create(name);
        var stage = WatermarkSamplerStage.Create(scheme, Prompt);
        WatermarkSession reference = scheme.CreateSession(Prompt);
        var random = new Random(5);
        for (int step = 0; step < 20; step++)
        {
            LLamaTokenData[] candidates = Candidates(random, 40);
            float[] full = Masked(candidates);

            reference.ProcessLogits(full);
            Apply(stage, candidates, sorted: true, selected: -1, out bool sortedAfter, out _);

            Assert.False(stage.SelectsToken);
            Assert.False(sortedAfter);
            Assert.All(candidates, c => Assert.Equal(full[(int)c.ID], c.Logit));
            int token = (int)candidates[random.Next(candidates.Length)].ID;
            stage.Accept((LLamaToken)token);
            reference.Accept(token);
        }

        Assert.Equal(reference.Position, stage.Session.Position);
    }

    /// <summary>A choice stage selects, among truncated candidates, the one token the session leaves unmasked; before the scheme has context it keeps the prior selection.</summary>
    /// <param name="name">The scheme.</param>
    [Theory]
    [InlineData("gumbel")]
    [InlineData("vllm-gumbel")]
    [InlineData("exp-edit")]
    public void ChoiceStageSelectsTheSessionsToken(string name)
    {
        WatermarkScheme scheme = TestSchemes.Create(name);
        var stage = WatermarkSamplerStage.Create(scheme, Prompt);
        var random = new Random(6);
        int changed = 0;
        for (int step = 0; step < 30; step++)
        {
            LLamaTokenData[] candidates = Candidates(random, 40);
            Apply(stage, candidates, sorted: true, selected: 0, out _, out long selected);
            Assert.True(stage.SelectsToken);
            int chosen = (int)candidates[selected].ID;
            int finite = 0;
            for (int i = 0; i < candidates.Length; i++)
            {
                finite += float.IsNegativeInfinity(candidates[i].Logit) ? 0 : 1;
            }

            Assert.Equal(candidates.Length, finite); // a choice stage selects; it leaves the logits to the chain
            changed += selected != 0 ? 1 : 0;
            stage.Accept((LLamaToken)chosen);
        }

        Assert.True(changed > 10, $"the stage overrode the prior selection at only {changed} of 30 steps");
    }

    /// <summary>The choice stage's token is the one the scheme's own session chooses from the same masked logits.</summary>
    [Fact]
    public void ChoiceStageAgreesWithTheSessionStepByStep()
    {
        WatermarkScheme scheme = TestSchemes.Create("gumbel");
        var stage = WatermarkSamplerStage.Create(scheme, Prompt);
        WatermarkSession reference = scheme.CreateSession(Prompt);
        var random = new Random(7);
        for (int step = 0; step < 30; step++)
        {
            LLamaTokenData[] candidates = Candidates(random, 30);
            float[] full = Masked(candidates);

            reference.ProcessLogits(full);
            Apply(stage, candidates, sorted: false, selected: 0, out _, out long selected);
            int chosen = (int)candidates[selected].ID;
            int finite = full.Count(x => !float.IsNegativeInfinity(x));
            if (finite == 1)
            {
                Assert.False(float.IsNegativeInfinity(full[chosen]));
            }
            else
            {
                Assert.Equal(0, selected); // unwatermarked step (repeated context): the prior selection stands
            }

            stage.Accept((LLamaToken)chosen);
            reference.Accept(chosen);
        }
    }

    /// <summary>Reset returns the session to the prompt; a clone continues from the same tokens and biases alike.</summary>
    [Fact]
    public void ResetAndCloneKeepTheContext()
    {
        var stage = WatermarkSamplerStage.Create(TestSchemes.Create("kgw"), Prompt);
        foreach (int token in new[] { 100, 101, 102 })
        {
            stage.Accept((LLamaToken)token);
        }

        var clone = (WatermarkSamplerStage)stage.Clone();
        Assert.Equal(stage.Session.Position, clone.Session.Position);
        var random = new Random(8);
        LLamaTokenData[] a = Candidates(random, 50);
        var b = (LLamaTokenData[])a.Clone();
        Apply(stage, a, sorted: false, selected: -1, out _, out _);
        Apply(clone, b, sorted: false, selected: -1, out _, out _);
        Assert.Equal(a.Select(c => c.Logit), b.Select(c => c.Logit));

        stage.Reset();
        Assert.Equal(Prompt.Length, stage.Session.Position);
        stage.Reset([1, 2]);
        Assert.Equal(2, stage.Session.Position);
    }

    /// <summary>A model whose vocabulary is not the scheme's is refused with a message that names both sizes, before any token is sampled.</summary>
    [Fact]
    public void VocabularyMismatchIsRefused()
    {
        WatermarkScheme scheme = TestSchemes.Create("kgw", Vocabulary + 1);

        var direct = Assert.Throws<ArgumentException>(() => WatermarkSamplerStage.Create(scheme, model.Weights.NativeHandle, Prompt));
        Assert.Contains($"{Vocabulary} tokens", direct.Message, StringComparison.Ordinal);
        Assert.Contains($"{Vocabulary + 1}", direct.Message, StringComparison.Ordinal);

        using var pipeline = new WatermarkSamplingPipeline(scheme, Prompt);
        Assert.Throws<ArgumentException>(() => model.Generate(pipeline, Prompt, 1));
        Assert.Equal(Prompt.Length, pipeline.Stage.Session.Position);
    }

    /// <summary>Stages of the wrong role, prompts outside the vocabulary and null arguments are refused.</summary>
    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new WatermarkBiasStage(TestSchemes.Create("gumbel"), Prompt));
        Assert.Throws<ArgumentException>(() => new WatermarkChoiceStage(TestSchemes.Create("kgw"), Prompt));
        Assert.Throws<ArgumentOutOfRangeException>(() => WatermarkSamplerStage.Create(TestSchemes.Create("kgw"), [Vocabulary]));
        Assert.Throws<ArgumentNullException>(() => WatermarkSamplerStage.Create(null!, Prompt));
        Assert.Throws<ArgumentNullException>(() => WatermarkSamplerStage.Create(TestSchemes.Create("kgw"), null!, Prompt));
        Assert.True(WatermarkSamplerStage.IsChoiceScheme(TestSchemes.Create("exp-edit")));
        Assert.False(WatermarkSamplerStage.IsChoiceScheme(TestSchemes.Create("hf-kgw")));
    }

    // The full vocabulary's logits with every token but the candidates masked.
    private static float[] Masked(LLamaTokenData[] candidates)
    {
        var full = new float[Vocabulary];
        Array.Fill(full, float.NegativeInfinity);
        foreach (LLamaTokenData c in candidates)
        {
            full[(int)c.ID] = c.Logit;
        }

        return full;
    }

    // Distinct ids, logits sorted in descending order as llama.cpp's top-k leaves them.
    private static LLamaTokenData[] Candidates(Random random, int count)
    {
        int[] ids = Enumerable.Range(0, Vocabulary).OrderBy(_ => random.Next()).Take(count).ToArray();
        float[] logits = ids.Select(_ => (float)(random.NextDouble() * 6 - 3)).OrderDescending().ToArray();
        return ids.Select((id, i) => new LLamaTokenData((LLamaToken)id, logits[i], 0)).ToArray();
    }

    private static void Apply(WatermarkSamplerStage stage, LLamaTokenData[] candidates, bool sorted, long selected, out bool sortedAfter, out long selectedAfter)
    {
        var array = new LLamaTokenDataArray(candidates, sorted);
        using (LLamaTokenDataArrayNative.Create(array, out LLamaTokenDataArrayNative native))
        {
            native.Selected = selected;
            stage.Apply(ref native);
            sortedAfter = native.Sorted;
            selectedAfter = native.Selected;
        }
    }
}
