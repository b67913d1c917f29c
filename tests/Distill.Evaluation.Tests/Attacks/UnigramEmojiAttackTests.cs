using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.Evaluation.Attacks;
using Distill.Unigram;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Attacks;

/// <summary>The emoji attack against Unigram: its green list ignores the context, so removing the markers removes no evidence.</summary>
[Collection(SharedModel.Name)]
public sealed class UnigramEmojiAttackTests(ModelFixture fixture, ITestOutputHelper output)
{
    private const int Generations = 20;
    private const int Length = 200;

    [Fact]
    public void Unigram_survives_the_emoji_attack()
    {
        var generator = new TextGenerator(fixture.Model);
        int[] marker = fixture.Tokenizer.EncodeToIds("\U0001F600");
        List<int[]> prompts = BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 32, 400).Where((_, i) => i % 10 == 7).Take(Generations).Select(p => p.Tokens.ToArray()).ToList();
        int detectedRemoved = 0;
        double sumEmitted = 0, sumRemoved = 0, largest = double.NegativeInfinity;
        for (int i = 0; i < Generations; i++)
        {
            var scheme = UnigramScheme.Create(Watermark.RealText.Key(700 + i), UnigramOptions.Default, fixture.Tokenizer.VocabularySize, fixture.Tokenizer.Name);
            EmojiAttackResult result = EmojiAttack.Generate(generator, fixture.Tokenizer, scheme.CreateSession(prompts[i]), prompts[i], Length, marker[0], new SamplingOptions { Seed = (ulong)i });
            DetectionResult emitted = scheme.Detect(result.EmittedTokens.Span);
            DetectionResult removed = scheme.Detect(result.Tokens.Span);
            sumEmitted += emitted.Log10PValue;
            sumRemoved += removed.Log10PValue;
            largest = Math.Max(largest, removed.Log10PValue);
            detectedRemoved += removed.IsWatermarked(1e-3) ? 1 : 0;
        }

        // The markers are one token scored once (deduplication), so removing them costs almost nothing;
        // KGW LeftHash falls to chance under the same attack (WatermarkRobustnessTests).
        output.WriteLine($"Unigram: with markers mean log10 p {sumEmitted / Generations:F1}; markers removed: {detectedRemoved}/{Generations} at p < 1e-3, mean log10 p {sumRemoved / Generations:F1}, largest 10^{largest:F2}");
        Assert.True(detectedRemoved >= 18, $"{detectedRemoved}/{Generations} detected after the emoji attack");
        Assert.True(sumRemoved <= 0.9 * sumEmitted, "removing the markers should cost (almost) nothing");
    }
}
