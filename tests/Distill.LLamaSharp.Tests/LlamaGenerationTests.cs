using System.Linq;
using Distill.Detection;
using Distill.ExpEdit;
using Distill.Fingerprinting;
using LLama.Sampling;
using Xunit.Abstractions;

namespace Distill.LLamaSharp.Tests;

/// <summary>
/// Generation through llama.cpp (the tiny GGUF model, CPU backend) with each scheme's stage in a
/// LLamaSharp sampler chain, detected by Distill; and the same generation without the stage, not detected.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class LlamaGenerationTests(TinyModelFixture model, ITestOutputHelper output)
{
    private const int Tokens = 200;
    private const double Log10Threshold = -6;

    private static readonly int[] Prompt = [1, 300, 301, 302, 303, 304, 305, 306];

    /// <summary>Gets the schemes whose detection gives an exact or conservative p-value at once (EXP-edit's permutation test has its own test).</summary>
    public static TheoryData<string> Schemes { get; } = ["kgw", "unigram", "synthid", "hf-kgw", "hf-synthid", "fingerprint", "gumbel", "vllm-gumbel", "vllm-dual-key-gumbel"];

    /// <summary>Each scheme's watermark, embedded by its llama.cpp stage, is detected at p &lt; 1e-6 within 200 tokens.</summary>
    /// <param name="name">The scheme.</param>
    [Theory]
    [MemberData(nameof(Schemes))]
    public void WatermarkedGenerationIsDetected(string name)
    {
        WatermarkScheme scheme = TestSchemes.Create(name);
        using var pipeline = new WatermarkSamplingPipeline(scheme, Prompt) { Seed = 7 };

        int[] generated = model.Generate(pipeline, Prompt, Tokens);

        Assert.Equal(Prompt.Length + Tokens, pipeline.Stage.Session.Position);
        DetectionResult result = scheme.Detect(generated);
        output.WriteLine($"{name}: log10 p = {result.Log10PValue:F2}, {result.ScoredTokens} scored");
        Assert.True(result.Log10PValue < Log10Threshold, $"{name}: log10 p = {result.Log10PValue:F2} over {result.ScoredTokens} scored tokens.");
    }

    /// <summary>The same generation without the stage (LLamaSharp's default pipeline, same truncation and temperature) is not detected.</summary>
    /// <param name="name">The scheme.</param>
    [Theory]
    [MemberData(nameof(Schemes))]
    public void PlainGenerationIsNotDetected(string name)
    {
        WatermarkScheme scheme = TestSchemes.Create(name);
        using var pipeline = new DefaultSamplingPipeline { Temperature = 0.8f, TopK = 40, TopP = 0.95f, MinP = 0, Seed = 7 };

        int[] generated = model.Generate(pipeline, Prompt, Tokens);

        DetectionResult result = scheme.Detect(generated);
        output.WriteLine($"{name} without the stage: log10 p = {result.Log10PValue:F2}, {result.ScoredTokens} scored");
        Assert.True(result.Log10PValue > -3, $"{name}: log10 p = {result.Log10PValue:F2} without a watermark.");
    }

    /// <summary>A tenant's fingerprint pipeline embeds the master key's watermark and the tenant's codeword, which tracing among 1,000 registered tenants reads back.</summary>
    [Fact]
    public void TenantFingerprintIsDetectedAndTraced()
    {
        var scheme = (FingerprintScheme)TestSchemes.Create("fingerprint");
        TenantId tenant = TenantId.FromName("tenant-42");
        using var pipeline = new WatermarkSamplingPipeline(scheme, tenant, Prompt) { Seed = 7 };

        int[] generated = model.Generate(pipeline, Prompt, 400);

        DetectionResult result = scheme.Detect(generated);
        var registry = TenantRegistry.FromNames(Enumerable.Range(0, 1000).Select(i => $"tenant-{i}"));
        TraceResult trace = scheme.Trace(generated, registry);
        output.WriteLine($"tenant fingerprint: log10 p = {result.Log10PValue:F2}; trace best {trace.BestCandidate}, log10 p {trace.Log10PValue:F2} (uncorrected {trace.Log10PValueUncorrected:F2})");
        Assert.True(result.Log10PValue < Log10Threshold);
        Assert.Equal(tenant, trace.Tenant);
        Assert.True(trace.Log10PValue < -3, $"trace log10 p = {trace.Log10PValue:F2}");
    }

    /// <summary>
    /// EXP-edit through llama.cpp: its closed-form test puts the watermarked text below 1e-6 within 200 tokens and the
    /// plain text not below 1e-2; the paper's permutation test puts it below every one of 999 fresh keys.
    /// </summary>
    [Fact]
    public void ExpEditGenerationIsDetected()
    {
        var scheme = (ExpEditScheme)TestSchemes.Create("exp-edit");
        var closed = new ExpEditDetectionOptions { Test = ExpEditTest.GammaBound };
        var permutation = new ExpEditDetectionOptions { Resamples = 999, EarlyStopHits = 10 };
        using var watermarked = new WatermarkSamplingPipeline(scheme, Prompt) { Seed = 7 };
        using var plain = new DefaultSamplingPipeline { Temperature = 0.8f, TopK = 40, TopP = 0.95f, MinP = 0, Seed = 7 };

        int[] markedTokens = model.Generate(watermarked, Prompt, Tokens);
        int[] plainTokens = model.Generate(plain, Prompt, Tokens);
        ExpEditDetection marked = scheme.Detect(markedTokens, null, closed);
        ExpEditDetection unmarked = scheme.Detect(plainTokens, null, closed);
        ExpEditDetection resampled = scheme.Detect(markedTokens, null, permutation);
        ExpEditDetection resampledPlain = scheme.Detect(plainTokens, null, permutation);

        output.WriteLine($"exp-edit: closed-form log10 p = {marked.Result.Log10PValue:F2}, plain {unmarked.Result.Log10PValue:F2}; "
            + $"permutation {resampled.Result.Log10PValue:F2} ({resampled.NullHits} hits in {resampled.ResamplesUsed}), plain {resampledPlain.Result.Log10PValue:F2}");
        Assert.True(marked.Result.Log10PValue < Log10Threshold, $"closed-form log10 p = {marked.Result.Log10PValue:F2}");
        Assert.True(unmarked.Result.Log10PValue > -2, $"plain text: closed-form log10 p = {unmarked.Result.Log10PValue:F2}.");
        Assert.Equal(0, resampled.NullHits);
        Assert.True(resampledPlain.Result.Log10PValue > -2, $"plain text: permutation log10 p = {resampledPlain.Result.Log10PValue:F2}.");
    }
}
