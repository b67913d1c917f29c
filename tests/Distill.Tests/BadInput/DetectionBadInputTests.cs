using System;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.BadInput;

/// <summary>Out-of-range token ids and short buffers in detection: the documented exception, nothing written, nothing counted.</summary>
public class DetectionBadInputTests
{
    private const int VocabularySize = 500;
    private const TokenScore Sentinel = (TokenScore)0xAB;

    public static TheoryData<int, int> BadTokens => new()
    {
        { -1, 0 },
        { VocabularySize, 0 },
        { -1, 37 },
        { VocabularySize, 37 },
        { int.MinValue, 79 },
        { int.MaxValue, 79 },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public void Detect_refuses_out_of_range_tokens(int bad, int index)
    {
        foreach (KgwScheme scheme in Schemes())
        {
            int[] tokens = Tokens(bad, index);
            int[] before = (int[])tokens.Clone();
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect(tokens));
            Assert.Equal("tokens", ex.ParamName);
            Assert.Equal(bad, ex.ActualValue);
            Assert.Equal(before, tokens);
            Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect(tokens, new DetectionOptions { Deduplicate = false })).ParamName);
        }
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public void ScoreTokens_refuses_out_of_range_tokens_and_writes_nothing(int bad, int index)
    {
        foreach (KgwScheme scheme in Schemes())
        {
            int[] tokens = Tokens(bad, index);
            TokenScore[] destination = Filled(tokens.Length + 3);
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => scheme.ScoreTokens(tokens, destination));
            Assert.Equal("tokens", ex.ParamName);
            Assert.All(destination, s => Assert.Equal(Sentinel, s));
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(80, 79)]
    [InlineData(80, 0)]
    public void ScoreTokens_refuses_a_short_destination_and_writes_nothing(int count, int length)
    {
        foreach (KgwScheme scheme in Schemes())
        {
            int[] tokens = TestData.RandomTokens(new Random(count), count, VocabularySize);
            TokenScore[] destination = Filled(length);
            var ex = Assert.Throws<ArgumentException>(() => scheme.ScoreTokens(tokens, destination));
            Assert.Equal("destination", ex.ParamName);
            Assert.All(destination, s => Assert.Equal(Sentinel, s));

            // Bad tokens and a short destination: still nothing written.
            tokens[^1] = -1;
            Assert.ThrowsAny<ArgumentException>(() => scheme.ScoreTokens(tokens, destination));
            Assert.All(destination, s => Assert.Equal(Sentinel, s));
        }
    }

    [Fact]
    public void ScoreTokens_writes_only_its_own_elements()
    {
        // The control for the checks above: a valid call does write, and only tokens.Length elements.
        KgwScheme scheme = Schemes()[0];
        int[] tokens = TestData.RandomTokens(new Random(9), 40, VocabularySize);
        TokenScore[] destination = Filled(45);
        scheme.ScoreTokens(tokens, destination);
        Assert.All(destination[..40], s => Assert.True(Enum.IsDefined(s), s.ToString()));
        Assert.All(destination[40..], s => Assert.Equal(Sentinel, s));
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public void Localize_refuses_out_of_range_tokens(int bad, int index)
    {
        foreach (KgwScheme scheme in Schemes())
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Localize(Tokens(bad, index)));
            Assert.Equal("tokens", ex.ParamName);
        }
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public void Accumulator_Append_refuses_out_of_range_tokens_and_counts_nothing(int bad, int index)
    {
        foreach (KgwScheme scheme in Schemes())
        {
            foreach (bool deduplicate in new[] { true, false })
            {
                var options = new DetectionOptions { Deduplicate = deduplicate, MinimumScoredTokens = 1 };
                int[] earlier = TestData.RandomTokens(new Random(index), 30, VocabularySize);
                int[] later = TestData.RandomTokens(new Random(index + 1), 30, VocabularySize);

                GreenListAccumulator accumulator = (GreenListAccumulator)scheme.CreateAccumulator(options);
                accumulator.Append(earlier);
                byte[] before = Bytes(accumulator);
                long tokens = accumulator.TokenCount, scored = accumulator.ScoredTokens, green = accumulator.GreenTokens;

                var spanEx = Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Append(Tokens(bad, index)));
                Assert.Equal("tokens", spanEx.ParamName);
                var tokenEx = Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Append(bad));
                Assert.Equal("token", tokenEx.ParamName);
                Assert.Equal(bad, tokenEx.ActualValue);

                Assert.Equal(tokens, accumulator.TokenCount);
                Assert.Equal(scored, accumulator.ScoredTokens);
                Assert.Equal(green, accumulator.GreenTokens);
                Assert.Equal(before, Bytes(accumulator));

                // Not even the open document's context moved: continuing equals never having failed.
                GreenListAccumulator clean = (GreenListAccumulator)scheme.CreateAccumulator(options);
                clean.Append(earlier);
                clean.Append(later);
                accumulator.Append(later);
                Assert.Equal(Bytes(clean), Bytes(accumulator));
                Assert.Equal(clean.GetResult().Log10PValue, accumulator.GetResult().Log10PValue);
            }
        }
    }

    [Fact]
    public void IsGreen_refuses_bad_arguments()
    {
        KgwScheme scheme = Schemes()[1]; // SelfHash, prefix length 3
        Assert.Equal("context", Assert.Throws<ArgumentException>(() => scheme.IsGreen([1, 2], 3)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.IsGreen([1, -2, 3], 3)).ParamName);
        Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.IsGreen([1, 2, 3], VocabularySize)).ParamName);
        Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.IsGreen([1, 2, 3], -1)).ParamName);
        Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.IsGreen([1, 2, 3], int.MinValue)).ParamName);
    }

    [Fact]
    public void Too_few_scored_tokens_is_a_result_not_an_exception()
    {
        foreach (KgwScheme scheme in Schemes())
        {
            // Strongly watermarked but short: every scored token green, still no verdict.
            int[] tokens = Watermarked(scheme, scheme.Options.PrefixLength + 9);
            DetectionResult result = scheme.Detect(tokens);
            Assert.Equal(9, result.ScoredTokens);
            Assert.Equal(DetectionStatus.InsufficientTokens, result.Status);
            Assert.Equal(1.0, result.PValue);
            Assert.Equal(0.0, result.Log10PValue);
            Assert.False(result.IsSignificant(0.999));

            // The same tokens with a lower minimum are scored, so the status above is the minimum's doing.
            DetectionResult lower = scheme.Detect(tokens, new DetectionOptions { MinimumScoredTokens = 9 });
            Assert.Equal(DetectionStatus.Scored, lower.Status);
            Assert.True(lower.PValue < 0.01, lower.ToString());
            Assert.True(lower.IsSignificant(0.01));
        }
    }

    [Fact]
    public void An_empty_stream_is_a_result_not_an_exception()
    {
        foreach (KgwScheme scheme in Schemes())
        {
            foreach (DetectionResult result in new[]
            {
                scheme.Detect([]),
                scheme.Detect(ReadOnlySpan<int>.Empty, new DetectionOptions { Deduplicate = false, MinimumScoredTokens = 1 }),
                scheme.ScoreTokens([], []),
                scheme.CreateAccumulator().GetResult(),
            })
            {
                Assert.Equal(DetectionStatus.InsufficientTokens, result.Status);
                Assert.Equal(0, result.TokenCount);
                Assert.Equal(0, result.ScoredTokens);
                Assert.Equal(0, result.GreenTokens);
                Assert.Equal(1.0, result.PValue);
                Assert.Equal(0.0, result.ZScore);
                Assert.False(result.IsSignificant(0.5));
            }

            LocalizationResult spans = scheme.Localize([]);
            Assert.Empty(spans.Spans);
            Assert.Equal(0, spans.ScoredTokens);
        }
    }

    private static KgwScheme[] Schemes() =>
    [
        KgwScheme.Create(TestData.KeyFor(50), KgwOptions.LeftHash, VocabularySize),
        KgwScheme.Create(TestData.KeyFor(51), KgwOptions.Default, VocabularySize),
    ];

    private static int[] Tokens(int bad, int index)
    {
        int[] tokens = TestData.RandomTokens(new Random(index), 80, VocabularySize);
        tokens[index] = bad;
        return tokens;
    }

    private static TokenScore[] Filled(int length) => Enumerable.Repeat(Sentinel, length).ToArray();

    private static byte[] Bytes(GreenListAccumulator accumulator)
    {
        using var stream = new MemoryStream();
        accumulator.WriteTo(stream);
        return stream.ToArray();
    }

    private static int[] Watermarked(KgwScheme scheme, int count)
    {
        var random = new Random(count);
        WatermarkSession session = scheme.CreateSession([]);
        var tokens = new int[count];
        var logits = new float[VocabularySize];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < logits.Length; j++)
            {
                logits[j] = (float)random.NextDouble();
            }

            session.ProcessLogits(logits);
            int best = Array.IndexOf(logits, logits.Max());
            tokens[i] = best;
            session.Accept(best);
        }

        return tokens;
    }
}
