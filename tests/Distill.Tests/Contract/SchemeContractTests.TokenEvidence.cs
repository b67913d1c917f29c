using System;
using System.Linq;
using Distill.Detection;

namespace Distill.Tests.Contract;

public abstract partial class SchemeContractTests
{
    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Per_token_evidence_adds_up_to_the_detectors_counts(bool watermarked, bool deduplicate)
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int[] stream = watermarked ? Sample(scheme, new Random(11), 200) : NullTokens(new Random(12), 200);

        // A repeated stretch gives deduplication something to skip.
        int[] tokens = [.. stream, .. stream[..40]];
        var options = new DetectionOptions { Deduplicate = deduplicate };
        DetectionResult expected = scheme.Detect(tokens, options);
        TokenEvidence evidence = scheme.ScoreEachToken(tokens, options);

        Assert.Equal(tokens.Length, evidence.Kinds.Length);
        long Count(TokenScore kind) => evidence.Kinds.LongCount(k => k == kind);
        long green = Count(TokenScore.Green), red = Count(TokenScore.Red), scored = Count(TokenScore.Scored);
        Assert.Equal(expected.ScoredTokens, green + red + scored);
        Assert.Equal(expected.SkippedPrefix, Count(TokenScore.Prefix));
        Assert.Equal(expected.SkippedRepeated, Count(TokenScore.Repeated));
        Assert.Equal(expected.SkippedCommon, Count(TokenScore.Common));
        Assert.Equal(expected.Log10PValue, evidence.Result.Log10PValue);
        Assert.Equal(expected.Score, evidence.Result.Score);
        if (expected.Statistic == DetectionStatistic.GreenCount)
        {
            Assert.Equal(expected.GreenTokens, green);
            Assert.Equal(0, scored);
            Assert.Null(evidence.Values);
            Assert.Equal(expected.Gamma, evidence.NullMean);
        }
        else
        {
            Assert.Equal(0, green + red);
            Assert.NotNull(evidence.Values);
            Assert.NotNull(evidence.ValueName);
            Assert.True(evidence.NullMean > 0, $"null mean {evidence.NullMean}");
            for (int i = 0; i < tokens.Length; i++)
            {
                // A token not scored has no value; a scored one has a finite value or none of its own.
                Assert.True(evidence.Kinds[i] == TokenScore.Scored ? !double.IsInfinity(evidence.Values![i]) : double.IsNaN(evidence.Values![i]), $"token {i}: {evidence.Kinds[i]} {evidence.Values![i]}");
            }
        }

        if (expected.Statistic == DetectionStatistic.GumbelScore)
        {
            // The values are the terms of the statistic (up to its fixed-point rounding, 2^-32 per term).
            double sum = evidence.Values!.Where(v => !double.IsNaN(v)).Sum();
            Assert.True(Math.Abs(sum - expected.Score) <= 1e-6 * Math.Max(1.0, expected.Score), $"sum {sum}, score {expected.Score}");
        }
    }
}
