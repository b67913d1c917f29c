using System;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>False positives on human text the model never saw (held-out Brown documents).</summary>
public class CalibrationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Seedings => new() { "LeftHash", "SelfHash" };

    [Theory]
    [MemberData(nameof(Seedings))]
    public void On_human_passages_the_false_positive_rate_is_within_its_interval_for_every_key(string seeding)
    {
        KgwOptions options = seeding == "LeftHash" ? KgwOptions.LeftHash : KgwOptions.Default;
        var passages = RealText.Passages200;
        Assert.True(passages.Count >= 2000, $"only {passages.Count} held-out passages");
        var (low, high) = RealText.Interval99(0.01, passages.Count);
        for (int k = 0; k < 5; k++)
        {
            var scheme = KgwScheme.Create(RealText.Key(k), options, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
            int below = 0;
            double smallest = 0;
            foreach (int[] passage in passages)
            {
                DetectionResult result = scheme.Detect(passage);
                below += result.Log10PValue < -2 ? 1 : 0;
                smallest = Math.Min(smallest, result.Log10PValue);
            }

            output.WriteLine($"{seeding} key {k}: {below} of {passages.Count} passages at p < 0.01 (interval {low}..{high}); smallest p = 10^{smallest:F2}");
            Assert.InRange(below, low, high);
            Assert.True(smallest > -6, $"a human passage reached p = 10^{smallest:F2}");
        }
    }

    [Fact]
    public void Degenerate_repetitive_text_gives_no_false_positive_with_deduplication()
    {
        string paragraph = "The committee met again on Tuesday to review the budget, and the members agreed that the report should be published before the end of the month. ";
        string[] texts =
        [
            string.Join(' ', Enumerable.Repeat("the", 600)),
            string.Concat(Enumerable.Repeat(paragraph, 25)),
            string.Join('\n', Enumerable.Range(1, 300).Select(i => $"{i}. item")),
            string.Concat(Enumerable.Repeat("ha", 800)),
        ];
        int falseWithoutDedup = 0;
        for (int k = 0; k < 20; k++)
        {
            foreach (KgwOptions options in new[] { KgwOptions.LeftHash, KgwOptions.Default })
            {
                var scheme = KgwScheme.Create(RealText.Key(100 + k), options, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
                foreach (string text in texts)
                {
                    int[] ids = RealText.Tokenizer.EncodeToIds(text);
                    DetectionResult deduped = scheme.Detect(ids);
                    Assert.False(deduped.IsSignificant(1e-3), $"key {k} {options.Seeding}: {deduped} on '{text[..30]}...'");
                    Assert.Empty(scheme.Localize(ids).Spans);
                    falseWithoutDedup += scheme.Detect(ids, new DetectionOptions { Deduplicate = false }).IsSignificant(1e-6) ? 1 : 0;
                }
            }
        }

        // The same texts without deduplication do produce false positives: deduplication is what prevents them.
        output.WriteLine($"without deduplication: {falseWithoutDedup} of 160 detections at p < 1e-6");
        Assert.True(falseWithoutDedup > 0);
    }

    [Fact]
    public void Localization_on_whole_human_documents_reports_spans_at_most_at_rate_alpha()
    {
        var documents = BrownCorpus.EncodeHeldOutDocuments(RealText.Tokenizer);
        int reported = 0, trials = 0;
        for (int k = 0; k < 5; k++)
        {
            var scheme = KgwScheme.Create(RealText.Key(200 + k), k % 2 == 0 ? KgwOptions.Default : KgwOptions.LeftHash, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
            foreach (var document in documents)
            {
                reported += scheme.Localize(document.Ids.Span).Spans.Count > 0 ? 1 : 0;
                trials++;
            }
        }

        var (_, high) = RealText.Interval99(0.01, trials);
        output.WriteLine($"{reported} of {trials} human documents (about 2,500 tokens each) had a span at alpha 0.01 (allowed at most {high})");
        Assert.True(reported <= high);
    }
}
