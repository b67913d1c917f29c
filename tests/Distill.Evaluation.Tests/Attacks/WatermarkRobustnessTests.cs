using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Distill.Detection;
using Distill.Evaluation.Attacks;
using Distill.GreenList;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Attacks;

/// <summary>KGW (defaults: SelfHash, width 4, gamma 0.25, delta 2) under the attacks, on text the built-in model generates.</summary>
[Collection(SharedModel.Name)]
public sealed class WatermarkRobustnessTests(ModelFixture fixture, ITestOutputHelper output)
{
    private const int Generations = 20;
    private const int Length = 200;

    private List<int[]> Prompts() =>
        BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 32, 400).Where((_, i) => i % 10 == 7).Take(Generations).Select(p => p.Tokens.ToArray()).ToList();

    private KgwScheme Scheme(int index) =>
        KgwScheme.Create(Watermark.RealText.Key(700 + index), KgwOptions.Default, fixture.Tokenizer.VocabularySize, fixture.Tokenizer.Name);

    [Fact]
    public void Ten_percent_token_substitution_leaves_most_generations_detected_at_1e_3()
    {
        var stopwatch = Stopwatch.StartNew();
        var generator = new TextGenerator(fixture.Model);
        var attack = new TokenEditAttack(new EditRates(substitution: 0.10), TokenDistribution.SeenBy(fixture.Model));
        List<int[]> prompts = Prompts();
        Assert.Equal(Generations, prompts.Count);
        int detectedClean = 0, detectedAttacked = 0, substituted = 0;
        double sumClean = 0, sumAttacked = 0;
        var tokens = new int[Length];
        for (int i = 0; i < Generations; i++)
        {
            KgwScheme scheme = Scheme(i);
            WatermarkSession session = scheme.CreateSession(prompts[i]);
            generator.Generate(prompts[i], tokens, new SamplingOptions { Seed = (ulong)i }, session);
            TokenAttackResult attacked = attack.Apply(tokens, (ulong)i);
            substituted += attacked.Substituted;

            DetectionResult clean = scheme.Detect(tokens);
            DetectionResult result = scheme.Detect(attacked.Tokens.Span);
            detectedClean += clean.IsWatermarked(1e-3) ? 1 : 0;
            detectedAttacked += result.IsWatermarked(1e-3) ? 1 : 0;
            sumClean += clean.Log10PValue;
            sumAttacked += result.Log10PValue;
        }

        output.WriteLine($"clean: {detectedClean}/{Generations} at p < 1e-3, mean log10 p {sumClean / Generations:F1}");
        output.WriteLine($"10% substitution ({substituted} of {Generations * Length} tokens): {detectedAttacked}/{Generations} at p < 1e-3, mean log10 p {sumAttacked / Generations:F1}; {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.InRange(substituted, (int)(0.08 * Generations * Length), (int)(0.12 * Generations * Length));
        Assert.True(detectedAttacked >= 16, $"{detectedAttacked}/{Generations} detected after 10% substitution");
        Assert.True(sumAttacked > 0.9 * sumClean, "substitution should cost a visible part of the evidence");
    }

    public static TheoryData<string> Seedings => new() { "LeftHash", "SelfHash" };

    [Theory]
    [MemberData(nameof(Seedings))]
    public void Emoji_attack_removes_lefthash_evidence_and_part_of_selfhash_evidence(string seeding)
    {
        var stopwatch = Stopwatch.StartNew();
        KgwOptions options = seeding == "LeftHash" ? KgwOptions.LeftHash : KgwOptions.Default;
        var generator = new TextGenerator(fixture.Model);
        int[] marker = fixture.Tokenizer.EncodeToIds("\U0001F600");
        Assert.Single(marker);
        List<int[]> prompts = Prompts();
        int detectedEmitted = 0, belowOnePercent = 0, markers = 0;
        double sumEmitted = 0, sumRemoved = 0, smallest = 0, greenEmitted = 0, greenRemoved = 0;
        var pValues = new List<double>();
        for (int i = 0; i < Generations; i++)
        {
            var scheme = KgwScheme.Create(Watermark.RealText.Key(700 + i), options, fixture.Tokenizer.VocabularySize, fixture.Tokenizer.Name);
            WatermarkSession session = scheme.CreateSession(prompts[i]);
            EmojiAttackResult result = EmojiAttack.Generate(generator, fixture.Tokenizer, session, prompts[i], Length, marker[0], new SamplingOptions { Seed = (ulong)i });
            Assert.Equal(Length, result.Tokens.Length);
            Assert.Equal(Length + result.MarkerCount, result.EmittedTokens.Length);
            Assert.Equal(result.Tokens.ToArray(), result.EmittedTokens.ToArray().Where(t => t != marker[0]));
            markers += result.MarkerCount;

            // With the markers in place the watermark is intact: the session saw exactly this stream
            // (the forced markers are scored too and are green only by chance).
            DetectionResult emitted = scheme.Detect(result.EmittedTokens.Span);
            detectedEmitted += emitted.IsWatermarked(1e-3) ? 1 : 0;
            sumEmitted += emitted.Log10PValue;
            greenEmitted += (double)emitted.GreenTokens / emitted.ScoredTokens;

            DetectionResult removed = scheme.Detect(result.Tokens.Span);
            belowOnePercent += removed.IsWatermarked(0.01) ? 1 : 0;
            sumRemoved += removed.Log10PValue;
            smallest = Math.Min(smallest, removed.Log10PValue);
            greenRemoved += (double)removed.GreenTokens / removed.ScoredTokens;
            pValues.Add(removed.PValue);
        }

        pValues.Sort();
        double median = (pValues[(Generations / 2) - 1] + pValues[Generations / 2]) / 2;
        output.WriteLine($"{seeding}: {markers} markers for {Generations * Length} tokens ({(double)markers / (Generations * Length):P0})");
        output.WriteLine($"with markers: {detectedEmitted}/{Generations} at p < 1e-3, mean log10 p {sumEmitted / Generations:F1}, mean green fraction {greenEmitted / Generations:F3}");
        output.WriteLine($"markers removed: {belowOnePercent}/{Generations} at p < 0.01, mean log10 p {sumRemoved / Generations:F2}, smallest 10^{smallest:F2}, median p {median:F3}, mean green fraction {greenRemoved / Generations:F3} (gamma 0.25); {stopwatch.Elapsed.TotalSeconds:F1} s");

        Assert.True(markers > Generations * Length / 2, $"only {markers} markers");
        Assert.True(detectedEmitted >= 18, $"{detectedEmitted}/{Generations} detected with the markers in place");
        if (seeding == "LeftHash")
        {
            // The attack's target (Kirchenbauer et al. 2023, section 7): every word's first token was seeded by
            // the marker, so only tokens inside multi-token words (about a fifth here) keep their watermark.
            // Measured (seeds fixed): 6/20 at p < 0.01, median p 0.03, smallest 10^-3.75, green fraction 0.316.
            // Weak evidence at best: no stream reaches 1e-5 (a clean 200-token stream reaches about 1e-12).
            Assert.True(smallest > -5, $"a stream reached p = 10^{smallest:F2} after removing the markers");
            Assert.True(sumRemoved / Generations > -3, $"mean log10 p {sumRemoved / Generations:F2}");
            Assert.True(belowOnePercent <= 10, $"{belowOnePercent}/{Generations} at p < 0.01");
            Assert.InRange(greenRemoved / Generations, 0.24, 0.36);
        }
        else
        {
            // SelfHash seeds each token with an anchored min-hash over the token and the 3 before it. With a
            // marker between words the generation window is {t, marker, w1, marker}; after removal it is
            // {t, w1, w2, w3}: the seed survives when the minimum of the union is t or w1, about 2 times in
            // 5. So the min-hash keeps part of the watermark and detection does not fall to chance.
            // Measured (seeds fixed): 16/20 at p < 0.01, mean log10 p -3.3, green fraction 0.362.
            Assert.InRange(greenRemoved / Generations, 0.30, 0.42);
            Assert.InRange(sumRemoved / Generations, -6, -1.5);
            Assert.True(belowOnePercent >= 10, $"{belowOnePercent}/{Generations} at p < 0.01");
        }
    }

    [Fact]
    public void Localization_finds_a_half_document_paste_inside_human_text()
    {
        var generator = new TextGenerator(fixture.Model);
        List<int[]> prompts = Prompts().Take(8).ToList();
        var human = BrownCorpus.HeldOutPassages(fixture.Tokenizer, 400).Take(8).Select(p => p.Tokens.ToArray()).ToList();
        var dilution = new CopyPasteDilution(new DilutionOptions(0.5, 1));
        int found = 0;
        double overlap = 0;
        var tokens = new int[Length];
        for (int i = 0; i < prompts.Count; i++)
        {
            KgwScheme scheme = Scheme(i);
            generator.Generate(prompts[i], tokens, new SamplingOptions { Seed = (ulong)(100 + i) }, scheme.CreateSession(prompts[i]));
            DilutionResult mixed = dilution.Apply(tokens, human[i], (ulong)i);
            TokenRange truth = mixed.WatermarkedRanges[0];
            LocalizationResult located = scheme.Localize(mixed.Tokens.Span);
            if (located.Spans.Count > 0)
            {
                WatermarkedSpan best = located.Spans[0];
                int common = Math.Max(0, Math.Min(best.End, truth.End) - Math.Max(best.Start, truth.Start));
                int union = Math.Max(best.End, truth.End) - Math.Min(best.Start, truth.Start);
                found++;
                overlap += (double)common / union;
                output.WriteLine($"pasted {truth}, found [{best.Start}, {best.End}) at p = 10^{best.Log10PValue:F1}");
            }
        }

        output.WriteLine($"found {found}/{prompts.Count}, mean intersection over union {overlap / Math.Max(1, found):F2}");
        Assert.True(found >= 7, $"{found}/{prompts.Count} pastes found");
        Assert.True(overlap / found > 0.6, $"mean intersection over union {overlap / found:F2}");
    }
}
