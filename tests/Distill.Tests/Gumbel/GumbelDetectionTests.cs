using System;
using System.Linq;
using Distill.Detection;
using Distill.Gumbel;
using Xunit.Abstractions;
using Distill.Statistics;

namespace Distill.Tests.Gumbel;

public class GumbelDetectionTests(ITestOutputHelper output)
{
    /// <summary>The smallest and largest counts of a Binomial(n, p) variable inside its central 99.9% interval.</summary>
    private static (int Low, int High) Interval(int n, double p)
    {
        int low = 0;
        while (Math.Exp(Binomial.LogLowerTail(low, n, p)) < 0.0005)
        {
            low++;
        }

        int high = n;
        while (Math.Exp(Binomial.LogUpperTail(high, n, p)) < 0.0005)
        {
            high--;
        }

        return (low, high);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(4, 3)]
    public void P_values_are_calibrated_over_random_keys(int variants, int contextWidth)
    {
        // 2,000 keys on fixed unwatermarked streams: random tokens, and the same with a stretch
        // repeated three times (which deduplication must neutralize).
        const int Keys = 2000;
        var random = new Random(77);
        int[] stream = TestData.RandomTokens(random, 150, 500);
        int[] repeated = [.. stream, .. stream[20..80], .. stream[20..80], .. stream[20..80]];
        foreach (int[] tokens in new[] { stream, repeated })
        {
            var pValues = new double[Keys];
            for (int k = 0; k < Keys; k++)
            {
                GumbelScheme scheme = GumbelScheme.Create(TestData.KeyFor(5000 + k), new GumbelOptions { Variants = variants, ContextWidth = contextWidth }, 500);
                pValues[k] = scheme.Detect(tokens).PValue;
            }

            int atOnePercent = pValues.Count(p => p <= 0.01);
            (int low, int high) = Interval(Keys, 0.01);
            output.WriteLine(FormattableString.Invariant($"K = {variants}, h = {contextWidth}, {tokens.Length} tokens: P[p <= 0.001] = {pValues.Count(p => p <= 0.001) / (double)Keys}, P[p <= 0.01] = {atOnePercent / (double)Keys} (99.9% interval {low}..{high} of {Keys}), P[p <= 0.05] = {pValues.Count(p => p <= 0.05) / (double)Keys}, P[p <= 0.1] = {pValues.Count(p => p <= 0.1) / (double)Keys}"));
            if (variants == 1)
            {
                Assert.InRange(atOnePercent, low, high);
            }
            else
            {
                // Bonferroni is conservative: never above the interval.
                Assert.True(atOnePercent <= high, $"{atOnePercent} > {high}");
            }

            foreach (double alpha in new[] { 0.001, 0.05, 0.1, 0.5 })
            {
                int count = pValues.Count(p => p <= alpha);
                Assert.True(count <= Interval(Keys, alpha).High, $"alpha {alpha}: {count} of {Keys}");
            }
        }
    }

    [Fact]
    public void Watermarked_generations_give_tiny_p_values()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(11);
        for (int trial = 0; trial < 5; trial++)
        {
            var random = new Random(trial);
            int[] tokens = GumbelTestData.Generate(scheme.CreateSession([1, 2, 3, 4]), random, 200, 2.0);
            DetectionResult result = scheme.Detect(tokens);
            output.WriteLine(result.ToString());
            Assert.Equal(DetectionStatistic.GumbelScore, result.Statistic);
            Assert.True(result.Log10PValue < -10, result.ToString());
            Assert.True(double.IsNaN(result.Gamma));

            // Another key sees nothing.
            Assert.True(GumbelTestData.Scheme(12).Detect(tokens).Log10PValue > -4);
        }
    }

    [Fact]
    public void The_score_is_the_sum_of_the_per_token_values_and_p_is_the_gamma_tail()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(13, contextWidth: 2);
        int[] tokens = GumbelTestData.Generate(scheme.CreateSession([9, 9]), new Random(4), 120, 1.0);
        var values = new double[tokens.Length];
        DetectionResult result = scheme.ScoreTokens(tokens, values);
        double[] scored = values.Where(v => !double.IsNaN(v)).ToArray();
        Assert.Equal(result.ScoredTokens, scored.Length);
        Assert.Equal(2, result.SkippedPrefix);
        Assert.Equal(scored.Sum(), result.Score, 1e-6);
        Assert.Equal(GammaDistribution.Log10UpperTail(scored.Length, result.Score), result.Log10PValue, 1e-9);
        Assert.Equal((result.Score - scored.Length) / Math.Sqrt(scored.Length), result.ZScore, 1e-9);
        Assert.Equal(result.Log10PValue, scheme.Detect(tokens).Log10PValue);
    }

    [Fact]
    public void Repeated_text_is_scored_once()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(14);
        int[] once = GumbelTestData.Generate(scheme.CreateSession([1, 2, 3, 4]), new Random(8), 100, 2.0);
        int[] thrice = [.. once, .. once, .. once];
        DetectionResult a = scheme.Detect(once), b = scheme.Detect(thrice);
        DetectionResult c = scheme.Detect(thrice, new DetectionOptions { Deduplicate = false });

        // The copies add at most the few contexts that straddle the seams.
        Assert.InRange(b.ScoredTokens - a.ScoredTokens, 0, 2 * 3);
        Assert.True(b.SkippedRepeated >= 2 * (once.Length - 4) - 6);
        Assert.True(b.Deduplicated);
        Assert.False(c.Deduplicated);
        Assert.Equal(thrice.Length - 4, c.ScoredTokens);
        Assert.True(c.Log10PValue < b.Log10PValue - 10, "without deduplication repeats inflate the evidence");

        // Unwatermarked text repeated many times stays insignificant with deduplication.
        int[] human = TestData.RandomTokens(new Random(2), 60, 1000);
        int[] spam = Enumerable.Repeat(human, 20).SelectMany(t => t).ToArray();
        Assert.True(scheme.Detect(spam).Log10PValue > -3);
    }

    [Fact]
    public void Variants_are_detected_with_the_Bonferroni_factor()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(15, variants: 4);
        for (int variant = 0; variant < 4; variant++)
        {
            GumbelSession session = (GumbelSession)scheme.CreateSession([1, 2, 3, 4], variant);
            Assert.Equal(variant, session.Variant);
            int[] tokens = GumbelTestData.Generate(session, new Random(variant), 150, 2.0);
            DetectionResult result = scheme.Detect(tokens);
            output.WriteLine($"variant {variant}: {result}");
            Assert.True(result.Log10PValue < -8, result.ToString());

            // The result is the best variant's tail times K = 4.
            var values = new double[tokens.Length];
            scheme.ScoreTokens(tokens, values, variant: variant);
            double[] scored = values.Where(v => !double.IsNaN(v)).ToArray();
            Assert.Equal(scored.Sum(), result.Score, 1e-6);
            Assert.Equal(GammaDistribution.Log10UpperTail(scored.Length, result.Score) + Math.Log10(4), result.Log10PValue, 1e-9);

            // The variants differ: the same context gives different text.
            int[] other = GumbelTestData.Generate(scheme.CreateSession([1, 2, 3, 4], (variant + 1) % 4), new Random(variant), 150, 2.0);
            Assert.NotEqual(tokens, other);
        }
    }

    [Fact]
    public void Sessions_draw_their_variant_at_random()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(16, variants: 4);
        var seen = new bool[4];
        for (int i = 0; i < 64; i++)
        {
            GumbelSession session = (GumbelSession)scheme.CreateSession([1]);
            seen[session.Variant] = true;
        }

        Assert.All(seen, Assert.True);
        Assert.Equal(0, ((GumbelSession)GumbelTestData.Scheme(16).CreateSession([1])).Variant);
    }

    [Fact]
    public void Localization_finds_a_watermarked_paragraph_in_human_text()
    {
        foreach (int variants in new[] { 1, 3 })
        {
            GumbelScheme scheme = GumbelTestData.Scheme(17, variants: variants);
            int[] human = TestData.RandomTokens(new Random(3), 600, 1000);
            int[] marked = GumbelTestData.Generate(scheme.CreateSession([1, 2, 3, 4], variants - 1), new Random(6), 150, 2.0);
            int[] text = [.. human[..300], .. marked, .. human[300..]];
            LocalizationResult result = scheme.Localize(text);
            Assert.NotEmpty(result.Spans);
            WatermarkedSpan span = result.Spans[0];
            Assert.InRange(span.Start, 250, 340);
            Assert.InRange(span.End, 410, 500);
            Assert.True(span.Log10PValue < -5);
            Assert.Empty(scheme.Localize(human).Spans);
        }
    }
}
