using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using Distill.Interop;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>
/// The hf-kgw profile end to end with the built-in model: text generated through an
/// <see cref="HfKgwScheme"/> session is detected by Distill's p-value and by the reference's z, and the
/// reference's formulas (<see cref="HfKgwDetection"/>, big-integer seeds) agree with DetectReference.
/// </summary>
[Collection(SharedModel.Name)]
public sealed class InteropRoundTripKgwTests(ModelFixture fixture, ITestOutputHelper output)
{
    private const ulong HashingKey = 15485863;
    private const int Length = 200;

    public static TheoryData<string> Seedings => new() { "lefthash", "selfhash" };

    [Theory]
    [MemberData(nameof(Seedings))]
    public void Generated_text_is_detected_by_both_and_the_reference_formulas_agree(string seeding)
    {
        bool self = seeding == "selfhash";
        var options = self ? new HfKgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 } : HfKgwOptions.Default;
        int v = fixture.Model.VocabularySize;
        HfKgwScheme scheme = HfKgwScheme.FromHashingKey(HashingKey, options, v, fixture.Tokenizer.Name);
        var reference = new HfKgwDetection(new HfKgwSeeding(HashingKey, self), v, options.Gamma, self, options.ContextWidth);
        var generator = new TextGenerator(fixture.Model);
        List<int[]> prompts = BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 16, 400).Take(self ? 1 : 2).Select(p => p.Tokens.ToArray()).ToList();
        var tokens = new int[Length];
        for (int i = 0; i < prompts.Count; i++)
        {
            // The reference's detector sees the whole input; the processor saw the prompt too.
            int[] prompt = prompts[i];
            generator.Generate(prompt, tokens, new SamplingOptions { Seed = (ulong)(10 + i) }, scheme.CreateSession(prompt));
            int[] input = [.. prompt, .. tokens];
            DetectionResult distill = scheme.Detect(input);
            ReferenceResult figures = scheme.DetectReference(input, null, ignoreRepeatedNgrams: true);
            output.WriteLine($"{seeding} #{i}: Distill {distill}; reference {figures.Score}/{figures.ScoredCount}, z {figures.ZScore:F2}");
            Assert.True(distill.Log10PValue < -6, distill.ToString());
            Assert.True(figures.IsWatermarked == true && figures.Intended!.IsWatermarked == true, $"reference z {figures.ZScore}");

            var implemented = reference.Detect(input, null, deduplicate: false);
            var intended = reference.Detect(input, null, deduplicate: true);
            Assert.Equal(implemented.Scored, figures.ScoredCount);
            Assert.Equal(implemented.Green, figures.Score);
            Assert.Equal(implemented.ZScore, figures.ZScore ?? double.NaN, 12);
            Assert.Equal(intended.Scored, figures.Intended.ScoredCount);
            Assert.Equal(intended.Green, figures.Intended.Score);
            Assert.Equal(intended.ZScore, figures.Intended.ZScore ?? double.NaN, 12);

            // Unwatermarked text from the same model and prompt is not detected.
            generator.Generate(prompt, tokens, new SamplingOptions { Seed = (ulong)(10 + i) });
            int[] plain = [.. prompt, .. tokens];
            DetectionResult none = scheme.Detect(plain);
            ReferenceResult noneFigures = scheme.DetectReference(plain, null, ignoreRepeatedNgrams: true);
            output.WriteLine($"{seeding} #{i} unwatermarked: Distill {none}; reference z {noneFigures.ZScore:F2}");
            Assert.True(none.Log10PValue > -3, none.ToString());
            Assert.False(noneFigures.IsWatermarked);
        }
    }
}
