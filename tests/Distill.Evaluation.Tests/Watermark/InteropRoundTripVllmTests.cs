using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.Interop;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>
/// The vLLM profiles end to end with the built-in model: text generated through a
/// <see cref="VllmGumbelSession"/> is detected by Distill's p-value and by vLLM's own figures, and a
/// straightforward recomputation of vLLM's detection formulas (context tuples, -ln(1 - u), the Gamma
/// tail) gives the same count, sum and p-value as <see cref="VllmGumbelScheme.DetectReference(ReadOnlySpan{int}, bool)"/>.
/// </summary>
[Collection(SharedModel.Name)]
public sealed class InteropRoundTripVllmTests(ModelFixture fixture, ITestOutputHelper output)
{
    private const ulong Key = 15726070495360670683;
    private const int Length = 200;

    public static TheoryData<bool> DualKey => new() { false, true };

    [Theory]
    [MemberData(nameof(DualKey))]
    public void Generated_text_is_detected_and_the_reference_formulas_agree(bool dual)
    {
        int v = fixture.Model.VocabularySize;
        VllmOptions options = dual ? VllmOptions.DualKeyDefault : VllmOptions.Default;
        VllmGumbelScheme scheme = VllmGumbelScheme.Create(WatermarkKey.FromIntegers([Key]), options, v, fixture.Tokenizer.Name);
        var generator = new TextGenerator(fixture.Model);
        List<int[]> prompts = BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 16, 400).Take(2).Select(p => p.Tokens.ToArray()).ToList();
        var tokens = new int[Length];
        for (int i = 0; i < prompts.Count; i++)
        {
            generator.Generate(prompts[i], tokens, new SamplingOptions { Seed = (ulong)(20 + i) }, scheme.CreateSession(prompts[i], routingSeed: i));
            DetectionResult distill = scheme.Detect(tokens);
            ReferenceResult figures = scheme.DetectReference(tokens, deduplicate: true);
            double theirLog10 = figures.Log10PValue ?? double.NaN;
            output.WriteLine($"dual {dual} #{i}: Distill {distill}; vLLM score {figures.Score:F2} over {figures.ScoredCount}, log10 p {theirLog10:F1}");
            Assert.True(distill.Log10PValue < -6, distill.ToString());
            Assert.True(figures.IsWatermarked);
            Assert.True(distill.Log10PValue >= theirLog10 - 1e-9 || dual, "one key: Distill's p is never below vLLM's");

            (double sum, int scored) = Recompute(tokens, dual ? options.Alpha : 0.0, options.ContextWidth);
            Assert.Equal(scored, figures.ScoredCount);
            Assert.Equal(sum, figures.Score, 9);
            Assert.Equal(VllmDetection.Log10PValue(sum, scored, dual ? options.Alpha : 0.0), theirLog10, 9);

            // Unwatermarked text from the same model and prompt is not detected.
            generator.Generate(prompts[i], tokens, new SamplingOptions { Seed = (ulong)(20 + i) });
            DetectionResult none = scheme.Detect(tokens);
            output.WriteLine($"dual {dual} #{i} unwatermarked: Distill {none}");
            Assert.True(none.Log10PValue > -3, none.ToString());
            Assert.False(scheme.DetectReference(tokens, deduplicate: true).Log10PValue < -3);
        }
    }

    /// <summary>vLLM's detector written out plainly: -1 padded context tuples, first occurrence only, key A and B fused with alpha.</summary>
    private static (double Sum, int Scored) Recompute(int[] tokens, double alpha, int width)
    {
        var prfA = new VllmPrf(alpha > 0 ? VllmDetection.DeriveKey(Key, "key_a") : Key, width);
        var prfB = new VllmPrf(VllmDetection.DeriveKey(Key, "key_b"), width);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        double sum = 0;
        int scored = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            long[] context = [.. Enumerable.Range(i - width, width).Select(j => j < 0 ? -1L : tokens[j])];
            if (!seen.Add(string.Join(',', context)))
            {
                continue;
            }

            double s = VllmPrf.Score(VllmPrf.Uniform(prfA.Word(prfA.Absorb(context), (uint)tokens[i])));
            if (alpha > 0)
            {
                s = ((1 - alpha) * s) + (alpha * VllmPrf.Score(VllmPrf.Uniform(prfB.Word(prfB.Absorb(context), (uint)tokens[i]))));
            }

            sum += s;
            scored++;
        }

        return (sum, scored);
    }
}
