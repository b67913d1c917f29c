using System;
using System.Collections.Generic;
using Distill.ExpEdit;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Interop;
using Distill.SynthId;
using Distill.Unigram;
using Microsoft.ML.OnnxRuntimeGenAI;
using Xunit.Abstractions;

namespace Distill.OnnxRuntimeGenAI.Tests;

/// <summary>
/// Generation through ONNX Runtime GenAI (the native runtime from the NuGet package, the test's
/// tiny decoder): every scheme is detected within 200 tokens, and plain generation is not.
/// </summary>
public sealed class WatermarkedGeneratorRuntimeTests(TinyModelFixture model, ITestOutputHelper output) : IClassFixture<TinyModelFixture>
{
    private const int Tokens = 200;
    private static readonly int[] s_prompt = [1, 5, 6];
    private static readonly WatermarkKey s_key = WatermarkKey.FromIntegers([0x0123456789ABCDEF, 0x1122334455667788, 0x99AABBCCDDEEFF00, 0x0F1E2D3C4B5A6978]);
    private static readonly WatermarkKey s_oneWordKey = WatermarkKey.FromIntegers([15485863]); // vLLM and Hugging Face hash with one integer
    private static readonly ExpEditDetectionOptions s_expEditTest = new() { Test = ExpEditTest.GammaBound };
    private static readonly ExpEditDetectionOptions s_expEditPermutation = new() { Resamples = 999, MaxDegreeOfParallelism = 1 };

    private static readonly Dictionary<string, Func<WatermarkScheme>> s_schemes = new()
    {
        ["kgw"] = () => KgwScheme.Create(s_key, null, TinyModelFixture.VocabularySize),
        ["unigram"] = () => UnigramScheme.Create(s_key, null, TinyModelFixture.VocabularySize),
        ["synthid"] = () => SynthIdScheme.Create(s_key, null, TinyModelFixture.VocabularySize),
        ["gumbel"] = () => GumbelScheme.Create(s_key, null, TinyModelFixture.VocabularySize),
        ["vllm-gumbel"] = () => VllmGumbelScheme.Create(s_oneWordKey, null, TinyModelFixture.VocabularySize),
        ["hf-kgw"] = () => HfKgwScheme.Create(s_oneWordKey, null, TinyModelFixture.VocabularySize),
        ["hf-synthid"] = () => HfSynthIdScheme.Create(s_key, null, TinyModelFixture.VocabularySize),
        ["exp-edit"] = () => ExpEditScheme.Create(s_key, null, TinyModelFixture.VocabularySize),
    };

    public static TheoryData<string> SchemeNames => [.. s_schemes.Keys];

    [Theory]
    [MemberData(nameof(SchemeNames))]
    public void WatermarkedGenerationIsDetected(string name)
    {
        WatermarkScheme scheme = s_schemes[name]();
        int[] tokens = GenerateWatermarked(scheme, seed: 11);

        Assert.Equal(Tokens, tokens.Length);
        double log10P = Detect(scheme, tokens);
        output.WriteLine($"{name}: {Tokens} watermarked tokens, log10 p = {log10P:F2}");
        Assert.True(log10P < -6, $"{name}: log10 p = {log10P}");
        if (scheme is ExpEditScheme expEdit)
        {
            // EXP-edit is detected above by its closed-form test; the paper's permutation test agrees at its floor,
            // 1 / (resamples + 1) = 1e-3 with 999 resamples.
            double permutation = expEdit.Detect(tokens, null, s_expEditPermutation).Result.Log10PValue;
            output.WriteLine($"{name}: permutation test log10 p = {permutation:F2}");
            Assert.True(permutation <= -2.99, $"{name}: permutation log10 p = {permutation}");
        }
    }

    [Theory]
    [MemberData(nameof(SchemeNames))]
    public void PlainGenerationIsNotDetected(string name)
    {
        WatermarkScheme scheme = s_schemes[name]();
        using Generator generator = model.CreateGenerator(seed: 23, s_prompt.Length + Tokens);
        generator.AppendTokens(s_prompt);
        var tokens = new List<int>();
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            tokens.Add(generator.GetNextTokens()[0]);
        }

        Assert.Equal(Tokens, tokens.Count);
        double log10P = Detect(scheme, [.. tokens]);
        output.WriteLine($"{name}: {Tokens} plain tokens, log10 p = {log10P:F2}");
        Assert.True(log10P > -3, $"{name}: log10 p = {log10P}");
    }

    [Fact]
    public void ASchemeForAnotherVocabularyIsRefusedWithTheSizes()
    {
        WatermarkScheme scheme = KgwScheme.Create(s_key, null, TinyModelFixture.VocabularySize + 24);
        using Generator generator = model.CreateGenerator(seed: 5, 32);
        using var watermarked = new WatermarkedGenerator(generator, scheme.CreateSession([]));
        watermarked.AppendPrompt(s_prompt);

        var error = Assert.Throws<InvalidOperationException>(() => watermarked.GenerateNextToken());
        Assert.Contains("1000 elements", error.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary of 1024", error.Message, StringComparison.Ordinal);
        Assert.Equal(s_prompt.Length, watermarked.Session.Position);
    }

    [Fact]
    public void TheGeneratorsSequenceIsThePromptAndTheEmittedTokens()
    {
        WatermarkScheme scheme = s_schemes["gumbel"]();
        using Generator generator = model.CreateGenerator(seed: 3, s_prompt.Length + 20);
        using var watermarked = new WatermarkedGenerator(generator, scheme.CreateSession([]));
        watermarked.AppendPrompt(s_prompt);
        var emitted = new List<int>();
        while (!watermarked.IsDone)
        {
            emitted.Add(watermarked.GenerateNextToken());
        }

        Assert.Equal([.. s_prompt, .. emitted], generator.GetSequence(0).ToArray());
        Assert.Equal(s_prompt.Length + 20, watermarked.Session.Position);
    }

    private int[] GenerateWatermarked(WatermarkScheme scheme, int seed)
    {
        using Generator generator = model.CreateGenerator(seed, s_prompt.Length + Tokens);
        using var watermarked = new WatermarkedGenerator(generator, scheme.CreateSession([]));
        watermarked.AppendPrompt(s_prompt);
        var tokens = new List<int>();
        while (!watermarked.IsDone)
        {
            tokens.Add(watermarked.GenerateNextToken());
        }

        return [.. tokens];
    }

    private static double Detect(WatermarkScheme scheme, int[] tokens) => scheme is ExpEditScheme expEdit
        ? expEdit.Detect(tokens, null, s_expEditTest).Result.Log10PValue
        : scheme.Detect(tokens).Log10PValue;
}
