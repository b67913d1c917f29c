using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.GreenList;

public class LocalizationTests
{
    private const int Vocabulary = 5000;

    // Watermarked tokens: at each step the green token with the highest of some random logits.
    private static List<int> Watermarked(KgwScheme scheme, IReadOnlyList<int> context, int count, Random random)
    {
        var session = scheme.CreateSession(context.ToArray());
        var logits = new float[Vocabulary];
        var output = new List<int>();
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < logits.Length; j++)
            {
                logits[j] = (float)(random.NextDouble() * 3);
            }

            session.ProcessLogits(logits);

            // Sample from softmax so that the text is realistic rather than greedy.
            double total = logits.Sum(x => Math.Exp(x));
            double u = random.NextDouble() * total;
            int next = 0;
            for (double acc = 0; next < logits.Length - 1; next++)
            {
                acc += Math.Exp(logits[next]);
                if (acc >= u)
                {
                    break;
                }
            }

            session.Accept(next);
            output.Add(next);
        }

        return output;
    }

    [Fact]
    public void A_watermarked_block_inside_unwatermarked_tokens_is_found_where_it_is()
    {
        var scheme = KgwScheme.Create(TestData.KeyFor(99), KgwOptions.LeftHash, Vocabulary);
        var random = new Random(4);
        int found = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var tokens = TestData.RandomTokens(random, 400, Vocabulary).ToList();
            List<int> block = Watermarked(scheme, tokens, 120, random);
            tokens.AddRange(block);
            tokens.AddRange(TestData.RandomTokens(random, 400, Vocabulary));
            LocalizationResult result = scheme.Localize(tokens.ToArray());

            // The whole text is diluted to 13% watermark; the span must still be found where it is.
            if (result.Spans.Count > 0)
            {
                WatermarkedSpan best = result.Spans[0];
                int overlap = Math.Min(best.End, 520) - Math.Max(best.Start, 400);
                if (overlap >= 80 && best.Start >= 360 && best.End <= 560)
                {
                    found++;
                }

                Assert.True(best.Log10PValue <= Math.Log10(0.01));
                Assert.True(best.Log10PValue >= best.Log10PValueUncorrected, "the correction must not make p smaller");
            }
        }

        Assert.True(found >= 18, $"found the block {found} times of 20");
    }

    [Fact]
    public void Under_the_null_spans_are_reported_at_most_at_rate_alpha()
    {
        // 1,000 unwatermarked streams of 300 tokens under 20 keys, alpha 0.05 (a loose level, so the
        // test has room to fail): the family-wise rate must stay within the binomial bound.
        int reported = 0;
        var random = new Random(17);
        var options = LocalizationOptions.Default with { Alpha = 0.05 };
        for (int k = 0; k < 20; k++)
        {
            var scheme = KgwScheme.Create(TestData.KeyFor(500 + k), k % 2 == 0 ? KgwOptions.LeftHash : KgwOptions.Default, 300);
            for (int s = 0; s < 50; s++)
            {
                reported += scheme.Localize(TestData.RandomTokens(random, 300, 300), options).Spans.Count > 0 ? 1 : 0;
            }
        }

        Assert.True(reported <= KgwEmbeddingTests.UpperBoundOfCount(0.05, 1000), $"{reported} of 1000 null streams had a span");
    }

    [Fact]
    public void The_window_grid_covers_every_length_and_counts_what_it_searches()
    {
        var options = LocalizationOptions.Default;
        List<int> lengths = BinomialLocalizer.WindowLengths(1000, options);
        Assert.Equal(16, lengths[0]);
        Assert.Equal(1000, lengths[^1]);
        for (int i = 1; i < lengths.Count; i++)
        {
            Assert.True(lengths[i] > lengths[i - 1] && lengths[i] <= Math.Ceiling(lengths[i - 1] * 1.25) + 1);
        }

        // Windows of length 100 over 1000 scored tokens start every 25: 0..900 is 37 starts.
        Assert.Equal(37, BinomialLocalizer.WindowStarts(1000, 100));
        Assert.Equal(1, BinomialLocalizer.WindowStarts(1000, 1000));

        // An all-green stream reports one span covering it, with the correction applied.
        var scores = Enumerable.Repeat(TokenScore.Green, 200).ToArray();
        LocalizationResult result = BinomialLocalizer.Localize(scores, 0.25, options);
        long windows = BinomialLocalizer.WindowLengths(200, options).Sum(l => BinomialLocalizer.WindowStarts(200, l));
        Assert.Equal(windows, result.WindowsSearched);
        Assert.Equal((0, 200), (result.Spans[0].Start, result.Spans[0].End));
        Assert.Equal((200 * Math.Log10(0.25)) + Math.Log10(windows), result.Spans[0].Log10PValue, 9);
    }

    [Fact]
    public void Too_few_scored_tokens_give_no_span_and_no_error()
    {
        var scheme = KgwScheme.Create(TestData.KeyFor(1), KgwOptions.Default, 100);
        Assert.Empty(scheme.Localize([1, 2, 3, 4, 5]).Spans);
        Assert.Empty(scheme.Localize([]).Spans);
    }
}
