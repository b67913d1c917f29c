using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.Evaluation.Calibration;
using Distill.Evaluation.Tests.Watermark;
using Distill.GreenList;
using Distill.Statistics;
using Distill.Tokenizers;
using Distill.Unigram;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Calibration;

/// <summary>The empirical false-positive rate of a profile on unwatermarked text (what <c>distill calibrate</c> reports).</summary>
public sealed class CalibrationRunTests(ITestOutputHelper output)
{
    private static IReadOnlyList<ReadOnlyMemory<int>> HeldOut(int count) =>
        [.. BrownCorpus.EncodeHeldOutDocuments(RealText.Tokenizer).Take(count).Select(d => d.Ids)];

    private static KgwScheme Kgw(int key, KgwOptions options) =>
        KgwScheme.Create(RealText.Key(key), options, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);

    [Theory]
    [InlineData("SelfHash")]
    [InlineData("LeftHash")]
    public void Under_fixed_keys_the_rates_on_held_out_text_stay_near_alpha_and_the_counts_add_up(string seeding)
    {
        // One deployed key scores every passage, so passages are not independent trials (docs/evaluation.md):
        // the rate at 0.01 varies from key to key and must stay within the documented factor of 2.5.
        KgwOptions options = seeding == "LeftHash" ? KgwOptions.LeftHash : KgwOptions.Default;
        IReadOnlyList<ReadOnlyMemory<int>> texts = HeldOut(100);
        for (int k = 0; k < 2; k++)
        {
            CalibrationReport report = CalibrationRun.RunTokens(Kgw(400 + k, options), texts);
            Assert.Equal(100, report.Texts);
            Assert.Equal(texts.Sum(t => (long)t.Length), report.Tokens);
            Assert.InRange(report.DistinctFraction, 0.45, 0.9);
            Assert.Equal([32, 64, 128, 256, 512, 1024], report.Buckets.Select(b => b.Length));
            foreach (CalibrationBucket bucket in report.Buckets)
            {
                Assert.Equal(texts.Sum(t => t.Length / bucket.Length), bucket.Passages);
                Assert.True(bucket.MinLog10PValue > -6, $"a human passage reached p = 10^{bucket.MinLog10PValue:F2}");
                Assert.InRange(bucket.DeduplicationLoss, 0.0, 0.2);
                CalibrationRate at1 = bucket.Rates[0];
                output.WriteLine($"{seeding} key {k}, {bucket.Length} tokens: {at1.FalsePositives}/{at1.Passages} at 0.01 ({at1.Rate:P2}, 95% {at1.Lower:P2}-{at1.Upper:P2}), dedup loss {bucket.DeduplicationLoss:P1}, smallest p 10^{bucket.MinLog10PValue:F2}");
                Assert.True(at1.Rate <= 0.025, $"{at1.FalsePositives} of {at1.Passages} at 0.01");
                Assert.InRange(at1.Rate, at1.Lower, at1.Upper);
            }

            // Brown prose is neither repetitive nor low-entropy; 1e-4 needs 10,000 passages, which only the 32-token bucket has.
            Assert.DoesNotContain(report.Warnings, w => w.Kind is CalibrationWarningKind.Repetitive or CalibrationWarningKind.LowEntropy);
            CalibrationWarning few = Assert.Single(report.Warnings, w => w.Kind == CalibrationWarningKind.TooFewPassages && w.Alpha == 1e-4);
            Assert.Contains("10,000", few.Message);
            Assert.Equal(report.Buckets.Count(b => b.Passages < 10_000), report.Buckets.Count(b => !b.Rates[2].IsMeasurable));
        }
    }

    [Theory]
    [InlineData("kgw")]
    [InlineData("unigram")]
    public void On_all_held_out_text_the_rates_and_thresholds_agree_with_an_independent_recount(string name)
    {
        // Every bucket from 32 to 1024 tokens and every alpha from 1e-2 to 1e-6 under one deployed key: the counts
        // are recounted from the passages' own detections, and each threshold is checked against its defining rule
        // through the binomial tail (the Clopper-Pearson upper bound of k in n is at or below r exactly when
        // P[X <= k | n, r] is at most half the miscoverage), not through the bisection that computes it.
        WatermarkScheme scheme = name == "kgw"
            ? Kgw(410, KgwOptions.Default)
            : UnigramScheme.Create(RealText.Key(451), UnigramOptions.Default, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
        IReadOnlyList<ReadOnlyMemory<int>> texts = HeldOut(int.MaxValue);
        CalibrationOptions options = CalibrationOptions.Default;
        CalibrationReport report = CalibrationRun.RunTokens(scheme, texts);
        double halfMiss = (1 - options.Confidence) / 2;
        bool Certifies(int k, int n, double r) => Math.Exp(Binomial.LogLowerTail(k, n, r)) <= halfMiss;

        Assert.Equal(options.Lengths, report.Buckets.Select(b => b.Length));
        double worst = 1.0;
        foreach (CalibrationBucket bucket in report.Buckets)
        {
            int length = bucket.Length;
            double[] recount = [.. texts.SelectMany(t => Enumerable.Range(0, t.Length / length).Select(i => t.Slice(i * length, length)))
                .Select(p => scheme.Detect(p.Span) is { Status: DetectionStatus.Scored } r ? r.Log10PValue : 0.0)
                .Order()];
            double inflation = 0.0;
            int n = recount.Length;
            Assert.Equal(n, bucket.Passages);
            Assert.Equal(recount, bucket.Log10PValues);
            for (int a = 0; a < options.Alphas.Count; a++)
            {
                double alpha = options.Alphas[a];
                CalibrationRate rate = bucket.Rates[a];
                CalibrationThreshold threshold = bucket.Thresholds[a];
                int k = recount.Count(q => q <= Math.Log10(alpha));
                Assert.Equal(k, rate.FalsePositives);
                if (k < n)
                {
                    Assert.Equal(halfMiss, Math.Exp(Binomial.LogLowerTail(k, n, rate.Upper)), 6);
                }

                // Extrapolated exactly when zero false positives among the bucket's passages could not certify the target.
                Assert.Equal(alpha, threshold.Target);
                Assert.Equal(!Certifies(0, n, alpha), threshold.IsExtrapolated);
                Assert.Equal(threshold.IsExtrapolated, n < threshold.PassagesNeeded);
                Assert.Equal(recount.Count(q => q <= threshold.Log10Threshold), threshold.FalsePositives);
                Assert.True(threshold.Log10Threshold <= Math.Log10(alpha));
                if (!threshold.IsExtrapolated)
                {
                    Assert.True(Certifies(threshold.FalsePositives, n, alpha), $"{length} tokens at {alpha}: {threshold.FalsePositives} of {n}");
                    Assert.True(threshold.Upper <= alpha);
                    Assert.All(recount.Append(Math.Log10(alpha)).Where(q => q > threshold.Log10Threshold && q <= Math.Log10(alpha)), q => Assert.False(Certifies(recount.Count(v => v <= q), n, alpha)));
                    inflation = Math.Max(inflation, rate.Upper / alpha);
                }

                output.WriteLine($"{name} {length} tokens, alpha {alpha:G3}: {k} of {n} (95% up to {rate.Upper:G3}); threshold 10^{threshold.Log10Threshold:F3} {(threshold.IsExtrapolated ? "extrapolated" : "measured")}, {threshold.FalsePositives} at or below");
            }

            // Every default bucket of the held-out text has a measured cell, so each extrapolates with its own inflation.
            Assert.Equal(length, bucket.InflationLength);
            Assert.Equal(Math.Max(1.0, inflation), bucket.Inflation, 12);
            worst = Math.Max(worst, bucket.Inflation);
        }

        // The data reach the shallow levels and not the deep ones.
        Assert.Contains(report.Buckets, b => !b.Thresholds[0].IsExtrapolated);
        Assert.All(report.Buckets, b => Assert.True(b.Thresholds[^1].IsExtrapolated));

        // Extrapolated: the target over the worst measured inflation, never looser than a measured threshold of a larger target.
        Assert.Equal(worst, report.Inflation, 12);
        foreach (CalibrationBucket bucket in report.Buckets)
        {
            for (int a = 0; a < options.Alphas.Count; a++)
            {
                if (bucket.Thresholds[a].IsExtrapolated)
                {
                    double expected = Math.Log10(options.Alphas[a]) - Math.Log10(bucket.Inflation);
                    for (int b = 0; b < a; b++)
                    {
                        if (!bucket.Thresholds[b].IsExtrapolated)
                        {
                            expected = Math.Min(expected, bucket.Thresholds[b].Log10Threshold);
                        }
                    }

                    Assert.Equal(expected, bucket.Thresholds[a].Log10Threshold, 12);
                }
            }
        }

        output.WriteLine(string.Join(", ", report.Buckets.Select(b => $"{b.Length}: inflation {b.Inflation:G4} at {b.InflationAlpha:G3}")));
    }

    [Fact]
    public void A_bucket_without_a_measured_cell_borrows_the_worst_inflation_and_without_any_the_nominal_levels_stand_unverified()
    {
        KgwScheme scheme = Kgw(411, KgwOptions.Default);
        IReadOnlyList<ReadOnlyMemory<int>> texts = HeldOut(8);
        CalibrationReport report = CalibrationRun.RunTokens(scheme, texts);
        CalibrationBucket[] measured = [.. report.Buckets.Where(b => b.Thresholds.Any(t => !t.IsExtrapolated))];
        CalibrationBucket[] unmeasured = [.. report.Buckets.Where(b => b.Thresholds.All(t => t.IsExtrapolated))];
        Assert.NotEmpty(measured);
        Assert.NotEmpty(unmeasured);
        Assert.Equal(measured.Max(b => b.Inflation), report.Inflation);
        foreach (CalibrationBucket bucket in unmeasured)
        {
            Assert.Equal(report.Inflation, bucket.Inflation);
            Assert.Equal(report.InflationLength, bucket.InflationLength);
            Assert.All(bucket.Thresholds, t => Assert.Equal(Math.Log10(t.Target) - Math.Log10(report.Inflation), t.Log10Threshold, 12));
        }

        // Too little text to measure anything: every threshold is the nominal level, extrapolated, and the rule says unverified.
        CalibrationReport tiny = CalibrationRun.RunTokens(scheme, [texts[0][..300]]);
        Assert.Null(tiny.InflationLength);
        Assert.Equal(1.0, tiny.Inflation);
        Assert.All(tiny.Buckets.SelectMany(b => b.Thresholds), t => Assert.True(t.IsExtrapolated && t.Log10Threshold == Math.Log10(t.Target)));
        Assert.Contains("unverified", tiny.ExtrapolationRule);
        Assert.Contains("Clopper-Pearson", tiny.ThresholdRule);
    }

    [Fact]
    public void A_context_free_scheme_on_prose_is_not_reported_as_repetitive()
    {
        // Unigram scores each distinct token once, so long passages of ordinary prose lose much to
        // deduplication; the warning is judged at 128 tokens, where prose loses well under half.
        var scheme = UnigramScheme.Create(RealText.Key(450), UnigramOptions.Default, RealText.Tokenizer.VocabularySize, RealText.Tokenizer.Name);
        CalibrationReport report = CalibrationRun.RunTokens(scheme, HeldOut(40));
        output.WriteLine(string.Join(", ", report.Buckets.Select(b => $"{b.Length}: {b.DeduplicationLoss:P1} lost, {b.Rates[0].FalsePositives}/{b.Passages} at 0.01")));
        Assert.DoesNotContain(report.Warnings, w => w.Kind is CalibrationWarningKind.Repetitive or CalibrationWarningKind.LowEntropy);
        Assert.True(report.Buckets[^1].DeduplicationLoss > report.Buckets[0].DeduplicationLoss);
        Assert.All(report.Buckets, b => Assert.True(b.Rates[0].Rate <= 0.025));
    }

    [Fact]
    public void Over_random_keys_the_false_positives_at_1e_2_lie_within_the_binomial_interval_of_alpha()
    {
        // The p-value's guarantee is over the key: each document is calibrated under its own key, so its
        // passages' false positives are independent of the other documents'; summed, they are at most binomial.
        IReadOnlyList<ReadOnlyMemory<int>> texts = HeldOut(200);
        var falsePositives = new int[5];
        var passages = new int[5];
        for (int d = 0; d < texts.Count; d++)
        {
            CalibrationReport report = CalibrationRun.RunTokens(Kgw(500 + d, d % 2 == 0 ? KgwOptions.Default : KgwOptions.LeftHash), [texts[d]], new CalibrationOptions { Alphas = [1e-2] });
            for (int b = 0; b < 5; b++)
            {
                falsePositives[b] += report.Buckets[b].Rates[0].FalsePositives;
                passages[b] += report.Buckets[b].Passages;
            }
        }

        for (int b = 0; b < 5; b++)
        {
            var (_, high) = RealText.Interval99(0.01, passages[b]);
            (double lower, double upper) = Binomial.ConfidenceInterval(falsePositives[b], passages[b], 0.99);
            output.WriteLine($"{32 << b} tokens: {falsePositives[b]} of {passages[b]} at 0.01 ({(double)falsePositives[b] / passages[b]:P2}, 99% {lower:P2}-{upper:P2}); at most {high} allowed");
            Assert.True(falsePositives[b] <= high, $"{falsePositives[b]} of {passages[b]} at 0.01 for {32 << b} tokens");

            // The discrete test spends less than alpha, but not nothing: the interval must not lie entirely below a tenth of alpha.
            Assert.True(upper > 0.001);
        }
    }

    [Fact]
    public void Repetitive_and_low_entropy_text_is_reported_and_does_not_give_false_positives()
    {
        string paragraph = "The committee met again on Tuesday to review the budget, and the members agreed that the report should be published before the end of the month. ";
        KgwScheme scheme = Kgw(600, KgwOptions.Default);
        CalibrationReport repeated = CalibrationRun.Run(scheme, RealText.Tokenizer, [string.Concat(Enumerable.Repeat(paragraph, 40))]);
        Assert.Contains(repeated.Warnings, w => w.Kind == CalibrationWarningKind.Repetitive);
        Assert.All(repeated.Buckets, b => Assert.Equal(0, b.Rates[0].FalsePositives));
        output.WriteLine(string.Join(Environment.NewLine, repeated.Warnings.Select(w => w.Message)));

        CalibrationReport the = CalibrationRun.Run(scheme, RealText.Tokenizer, [string.Join(' ', Enumerable.Repeat("the", 700))]);
        Assert.Contains(the.Warnings, w => w.Kind == CalibrationWarningKind.LowEntropy);
        Assert.Contains(the.Warnings, w => w.Kind == CalibrationWarningKind.Repetitive);

        CalibrationReport list = CalibrationRun.Run(scheme, RealText.Tokenizer, [string.Join('\n', Enumerable.Range(1, 300).Select(i => $"{i}. item"))]);
        Assert.Contains(list.Warnings, w => w.Kind == CalibrationWarningKind.LowEntropy);

        // Without deduplication the same text is scored again and again, and the report says so.
        CalibrationReport off = CalibrationRun.Run(scheme, RealText.Tokenizer, [string.Concat(Enumerable.Repeat(paragraph, 40))], new CalibrationOptions { Deduplicate = false });
        Assert.Contains(off.Warnings, w => w.Kind == CalibrationWarningKind.DeduplicationOff);
        Assert.Contains(off.Warnings, w => w.Kind == CalibrationWarningKind.Repetitive);
    }

    [Fact]
    public void A_rate_above_alpha_is_reported()
    {
        // Watermarked text stands in for a profile that is not calibrated on the text: every passage is a "false positive".
        KgwScheme scheme = Kgw(601, KgwOptions.Default);
        var generator = new TextGenerator(BuiltInModel.Model);
        int[] prompt = BrownCorpus.HeldOutPrompts(RealText.Tokenizer, 32, 400).First().Tokens.ToArray();
        var tokens = new int[512];
        generator.Generate(prompt, tokens, new SamplingOptions { Seed = 3 }, scheme.CreateSession(prompt));
        CalibrationReport report = CalibrationRun.RunTokens(scheme, [tokens], new CalibrationOptions { Lengths = [128, 256] });
        Assert.Contains(report.Warnings, w => w.Kind == CalibrationWarningKind.AboveAlpha && w.Length == 256 && w.Alpha == 1e-2);
        Assert.True(report.Buckets[1].Rates[0].ExceedsAlpha);
    }

    [Fact]
    public void Bad_input_is_refused_with_clear_errors()
    {
        KgwScheme scheme = Kgw(602, KgwOptions.Default);
        TextTokenizer tokenizer = RealText.Tokenizer;
        Assert.Throws<ArgumentNullException>(() => CalibrationRun.Run(null!, tokenizer, ["x"]));
        Assert.Throws<ArgumentNullException>(() => CalibrationRun.Run(scheme, null!, ["x"]));
        Assert.Throws<ArgumentNullException>(() => CalibrationRun.Run(scheme, tokenizer, null!));
        Assert.Throws<ArgumentNullException>(() => CalibrationRun.Run(scheme, tokenizer, [null!]));
        Assert.Contains("at least one text", Assert.Throws<ArgumentException>(() => CalibrationRun.Run(scheme, tokenizer, [])).Message);
        Assert.Contains("32 tokens", Assert.Throws<ArgumentException>(() => CalibrationRun.Run(scheme, tokenizer, ["", "   "])).Message);
        Assert.Throws<ArgumentException>(() => CalibrationRun.Run(scheme, TextTokenizer.Create(TextTokenizer.Cl100kBase), ["some text"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationRun.RunTokens(scheme, [new[] { -1, 2, 3 }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationRun.RunTokens(scheme, [Enumerable.Repeat(scheme.VocabularySize, 40).ToArray()]));

        // An empty text among real ones is counted and contributes nothing.
        string prose = BrownCorpus.HeldOutDocuments[0].Text;
        CalibrationReport report = CalibrationRun.Run(scheme, tokenizer, ["", prose]);
        Assert.Equal(2, report.Texts);
        Assert.True(report.Buckets[0].Passages > 0);

        Assert.Throws<ArgumentException>(() => new CalibrationOptions { Lengths = [] });
        Assert.Throws<ArgumentException>(() => new CalibrationOptions { Lengths = [64, 32] });
        Assert.Throws<ArgumentException>(() => new CalibrationOptions { Lengths = [0, 32] });
        Assert.Throws<ArgumentException>(() => new CalibrationOptions { Alphas = [0.0] });
        Assert.Throws<ArgumentException>(() => new CalibrationOptions { Alphas = [1.0] });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CalibrationOptions { Confidence = 1 });
    }
}
