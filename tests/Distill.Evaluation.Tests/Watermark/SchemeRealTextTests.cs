using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.ExpEdit;
using Distill.Gumbel;
using Distill.SynthId;
using Distill.Unigram;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>
/// Calibration on human text and power on generated text for every scheme of the contract beyond
/// KGW (whose figures CalibrationTests and PowerTests pin down in more detail).
/// </summary>
[Collection(SharedModel.Name)]
public sealed class SchemeRealTextTests(ModelFixture fixture, ITestOutputHelper output)
{
    private const int Generations = 30;
    private const int Length = 200;

    // EXP-edit's permutation test is scored with 99 resamples (a floor of 0.01) and stops at the
    // first null statistic that beats the observed one (Besag and Clifford's sequential p-value 1/l,
    // still valid): a human passage then costs a few alignments instead of 999.
    private static readonly ExpEditDetectionOptions s_expEditNull = new() { Resamples = 99, EarlyStopHits = 1 };

    // For generations, 199 resamples (a floor of 0.005) decide p <= 0.01.
    private static readonly ExpEditDetectionOptions s_expEditPower = new() { Resamples = 199 };

    // The closed-form test has no floor: generations must reach 1e-6.
    private static readonly ExpEditDetectionOptions s_expEditClosed = new() { Test = ExpEditTest.GammaBound };

    private static readonly Dictionary<string, (Func<WatermarkKey, WatermarkScheme> Create, Func<WatermarkScheme, int[], DetectionResult> NullDetect, Func<WatermarkScheme, int[], DetectionResult> Detect, double Alpha)> s_schemes = new()
    {
        ["unigram"] = (key => UnigramScheme.Create(key, UnigramOptions.Default, V, T), (s, t) => s.Detect(t), (s, t) => s.Detect(t), 1e-3),
        ["gumbel"] = (key => GumbelScheme.Create(key, GumbelOptions.Default, V, T), (s, t) => s.Detect(t), (s, t) => s.Detect(t), 1e-3),
        ["gumbel-4-variants"] = (key => GumbelScheme.Create(key, GumbelOptions.Default with { Variants = 4 }, V, T), (s, t) => s.Detect(t), (s, t) => s.Detect(t), 1e-3),
        ["synthid"] = (key => SynthIdScheme.Create(key, SynthIdOptions.Default, V, T), (s, t) => s.Detect(t), (s, t) => s.Detect(t), 1e-3),
        ["synthid-weighted"] = (key => SynthIdScheme.Create(key, SynthIdOptions.Default, V, T), (s, t) => ((SynthIdScheme)s).DetectWeighted(t), (s, t) => ((SynthIdScheme)s).DetectWeighted(t), 1e-3),
        ["exp-edit"] = (key => ExpEditScheme.Create(key, ExpEditOptions.Default, V, T), (s, t) => ((ExpEditScheme)s).Detect(t, null, s_expEditNull).Result, (s, t) => ((ExpEditScheme)s).Detect(t, null, s_expEditPower).Result, 1e-2),
        ["exp-edit-gamma"] = (key => ExpEditScheme.Create(key, ExpEditOptions.Default, V, T), (s, t) => ((ExpEditScheme)s).Detect(t, null, s_expEditClosed).Result, (s, t) => ((ExpEditScheme)s).Detect(t, null, s_expEditClosed).Result, 1e-6),
    };

    private static int V => RealText.Tokenizer.VocabularySize;

    private static string T => RealText.Tokenizer.Name;

    public static TheoryData<string> Schemes => new(s_schemes.Keys);

    [Theory]
    [MemberData(nameof(Schemes))]
    public void On_human_passages_the_false_positive_rate_is_within_its_interval(string name)
    {
        // One key per passage (the p-value's guarantee is over the key), so the count of p <= 0.01 is at
        // most Binomial(passages, 0.01).
        var passages = RealText.Passages200;
        Assert.True(passages.Count >= 2000, $"only {passages.Count} held-out passages");
        var (_, high) = RealText.Interval99(0.01, passages.Count);
        int below = 0;
        double smallest = 0;
        for (int i = 0; i < passages.Count; i++)
        {
            var (create, detect, _, _) = s_schemes[name];
            DetectionResult result = detect(create(RealText.Key(500_000 + i)), passages[i]);
            below += result.Log10PValue <= -2 ? 1 : 0;
            smallest = Math.Min(smallest, result.Log10PValue);
        }

        output.WriteLine($"{name}: {below} of {passages.Count} human passages at p <= 0.01 (upper end of the 99% interval of 1%: {high}); smallest p = 10^{smallest:F2}");
        Assert.True(below <= high, $"{below} of {passages.Count} at p <= 0.01");
        Assert.True(smallest > -6, $"a human passage reached p = 10^{smallest:F2}");
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Generations_of_200_tokens_are_detected(string name)
    {
        var generator = new TextGenerator(fixture.Model);
        List<int[]> prompts = BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 32, 400).Where((_, i) => i % 10 == 5).Take(Generations).Select(p => p.Tokens.ToArray()).ToList();
        int detected = 0;
        double sum = 0;
        var tokens = new int[Length];
        for (int i = 0; i < Generations; i++)
        {
            WatermarkScheme scheme = s_schemes[name].Create(RealText.Key(600_000 + i));
            generator.Generate(prompts[i], tokens, new SamplingOptions { Seed = (ulong)i }, scheme.CreateSession(prompts[i]));
            DetectionResult result = s_schemes[name].Detect(scheme, [.. prompts[i][^4..], .. tokens]);
            detected += result.IsWatermarked(s_schemes[name].Alpha) ? 1 : 0;
            sum += result.Log10PValue;
        }

        output.WriteLine($"{name}: {detected}/{Generations} generations of {Length} tokens at p <= {s_schemes[name].Alpha}, mean log10 p {sum / Generations:F1}");
        Assert.True(detected >= 0.8 * Generations, $"{detected}/{Generations} detected");
    }
}
