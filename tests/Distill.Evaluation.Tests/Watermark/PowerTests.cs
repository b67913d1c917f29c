using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using Distill.Tokenizers;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>Detection of text the built-in model generated with the watermark, from held-out prompts.</summary>
public class PowerTests(ITestOutputHelper output)
{
    private const int Generations = 100;

    [Fact]
    public void Defaults_detect_at_least_95_percent_of_200_token_generations_at_1e_6_also_after_retokenization()
    {
        var scheme = KgwScheme.Create(RealText.Key(300), KgwOptions.Default, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
        var generator = new TextGenerator(BuiltInModel.Model);
        WatermarkSession session = scheme.CreateSession([]);
        List<CorpusPassage> prompts = BrownCorpus.HeldOutPrompts(RealText.Tokenizer, 32, 400).Where((_, i) => i % 10 == 3).Take(Generations).ToList();
        Assert.Equal(Generations, prompts.Count);

        int[] lengths = [25, 50, 100, 200];
        var detectedAt = new int[lengths.Length];
        int detectedTokens = 0, detectedText = 0;
        double sumTokens = 0, sumText = 0, greenFractionTokens = 0, greenFractionText = 0;
        var tokens = new int[200];
        for (int i = 0; i < prompts.Count; i++)
        {
            int[] prompt = prompts[i].Tokens.ToArray();
            session.Reset(prompt);
            int n = generator.Generate(prompt, tokens, new SamplingOptions { Seed = (ulong)i }, session);
            Assert.Equal(200, n);

            // Scored as emitted: the prompt gives the first tokens their context.
            int[] stream = [.. prompt[^3..], .. tokens];
            DetectionResult direct = scheme.Detect(stream);
            detectedTokens += direct.IsWatermarked(1e-6) ? 1 : 0;
            sumTokens += direct.Log10PValue;
            greenFractionTokens += (double)direct.GreenTokens / direct.ScoredTokens;
            for (int l = 0; l < lengths.Length; l++)
            {
                detectedAt[l] += scheme.Detect(stream.AsSpan(0, 3 + lengths[l])).IsWatermarked(1e-3) ? 1 : 0;
            }

            // Through text: decode, normalize, re-encode (the text alone, without the prompt).
            string text = RealText.Tokenizer.Decode(tokens);
            DetectionResult retokenized = scheme.Detect(RealText.Tokenizer.EncodeToIds(text));
            detectedText += retokenized.IsWatermarked(1e-6) ? 1 : 0;
            sumText += retokenized.Log10PValue;
            greenFractionText += (double)retokenized.GreenTokens / Math.Max(1, retokenized.ScoredTokens);
        }

        output.WriteLine($"token ids: {detectedTokens}/{Generations} at p < 1e-6, mean log10 p {sumTokens / Generations:F1}, mean green fraction {greenFractionTokens / Generations:F3}");
        output.WriteLine($"through text: {detectedText}/{Generations} at p < 1e-6, mean log10 p {sumText / Generations:F1}, mean green fraction {greenFractionText / Generations:F3}");
        for (int l = 0; l < lengths.Length; l++)
        {
            output.WriteLine($"TPR at p <= 1e-3 (the FPR, since p-values are calibrated) with {lengths[l]} tokens: {detectedAt[l] / (double)Generations:F2}");
        }

        Assert.True(detectedTokens >= 95, $"{detectedTokens} of {Generations} detected");
        Assert.True(detectedText >= 95, $"{detectedText} of {Generations} detected after retokenization");
        Assert.True(detectedAt[0] <= detectedAt[1] + 5 && detectedAt[1] <= detectedAt[2] + 5 && detectedAt[2] <= detectedAt[3] + 5, "power must grow with length");
    }

    [Fact]
    public void A_watermarked_paragraph_pasted_into_a_human_document_is_located()
    {
        var scheme = KgwScheme.Create(RealText.Key(301), KgwOptions.Default, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
        var detector = new TextDetector(scheme, RealText.Tokenizer);
        var generator = new TextGenerator(BuiltInModel.Model);
        WatermarkSession session = scheme.CreateSession([]);
        int found = 0, cases = 0;
        foreach (BrownDocument human in BrownCorpus.HeldOutDocuments.Where((_, i) => i % 10 == 1).Take(20))
        {
            string text = string.Join(' ', human.Text.Split(' ').Take(700));
            int cut = text.IndexOf(". ", text.Length / 3, StringComparison.Ordinal) + 2;
            string before = text[..cut], after = text[cut..];
            string paragraph = generator.GenerateText(RealText.Tokenizer, before, 120, new SamplingOptions { Seed = (ulong)cases }, session).Text.Trim() + " ";
            string mixed = before + paragraph + after;
            TextDetectionResult result = detector.Detect(mixed);
            int start = before.Length, end = before.Length + paragraph.Length;
            cases++;
            if (result.Spans.Count > 0)
            {
                TextSpan best = result.Spans[0].Characters;
                int overlap = Math.Min(best.End, end) - Math.Max(best.Start, start);
                bool located = overlap >= 0.5 * paragraph.Length && best.Length <= 2 * paragraph.Length;
                found += located ? 1 : 0;
                output.WriteLine($"{human.Id}: pasted {start}-{end}, found {best.Start}-{best.End}, p = 10^{result.Spans[0].Tokens.Log10PValue:F1}{(located ? "" : "  (missed)")}");
            }
            else
            {
                output.WriteLine($"{human.Id}: pasted {start}-{end}, no span; whole text p = 10^{result.Detection.Log10PValue:F1}");
            }
        }

        Assert.True(found >= 18, $"located {found} of {cases} pasted paragraphs");
    }
}
