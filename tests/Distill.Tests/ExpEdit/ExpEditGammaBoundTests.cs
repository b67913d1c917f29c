using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Distill.Detection;
using Distill.ExpEdit;
using Distill.Statistics;
using Xunit.Abstractions;

namespace Distill.Tests.ExpEdit;

/// <summary>EXP-edit's closed-form test (<see cref="ExpEditTest.GammaBound"/>): agreement with a plain recomputation, calibration, power, frozen outputs.</summary>
public class ExpEditGammaBoundTests(ITestOutputHelper output)
{
    private const int Vocabulary = 1000;
    private static readonly ExpEditDetectionOptions Closed = new() { Test = ExpEditTest.GammaBound };

    /// <summary>
    /// The fast search (prefix sums along diagonals, one Gamma tail per length) equals a plain loop over every
    /// (length, start, shift) triple that counts distinct (key position, token) pairs with a set, including
    /// blocks longer than the key and texts with few distinct tokens.
    /// </summary>
    [Theory]
    [InlineData(200, 256, 256, 1000, 1)]
    [InlineData(300, 128, 64, 1000, 2)]
    [InlineData(90, 64, 16, 5, 3)]
    [InlineData(70, 256, 8, 3, 4)]
    [InlineData(40, 16, 32, 50, 5)]
    public void Search_equals_a_plain_recomputation(int length, int block, int keyLength, int vocabulary, int seed)
    {
        var options = new ExpEditOptions { KeyLength = keyLength, BlockLength = block };
        var scheme = ExpEditScheme.Create(TestData.KeyFor(700 + seed), options, vocabulary);
        var random = new Random(seed);
        int[] text = Enumerable.Range(0, length).Select(_ => random.Next(vocabulary)).ToArray();

        ExpEditDetection fast = scheme.Detect(text, null, Closed);

        int n = keyLength;
        var lengths = new List<int>();
        for (int l = Math.Min(block, length); ; l /= 2)
        {
            lengths.Add(l);
            if (l / 2 < ExpEditGammaBound.ShortestBlock)
            {
                break;
            }
        }

        long tests = lengths.Sum(l => (long)(length - l + 1) * n);
        double bestLogQ = 0.0;
        (double Sum, int Pairs) best = (0, 0);
        foreach (int l in lengths)
        {
            for (int b = 0; b + l <= length; b++)
            {
                for (int t = 0; t < n; t++)
                {
                    var seen = new HashSet<(int, int)>();
                    double sum = 0.0;
                    for (int i = 0; i < l; i++)
                    {
                        int j = (t + i) % n;
                        if (seen.Add((j, text[b + i])))
                        {
                            sum -= (float)Math.Log(1.0 - scheme.KeyUniform(j, text[b + i]));
                        }
                    }

                    double logQ = GammaDistribution.LogUpperTail(seen.Count, sum);
                    if (logQ < bestLogQ || best.Pairs == 0)
                    {
                        bestLogQ = logQ;
                        best = (sum, seen.Count);
                    }
                }
            }
        }

        double expected = Math.Min(0.0, (bestLogQ / Math.Log(10)) + Math.Log10(tests));
        Assert.Equal(DetectionStatistic.AlignedGammaSum, fast.Result.Statistic);
        Assert.Equal(expected, fast.Result.Log10PValue, 9);
        Assert.Equal(best.Sum, fast.Result.Score, 6);
        Assert.Equal(0, fast.ResamplesUsed);
    }

    /// <summary>
    /// Conservative under the null: over 2,000 keys (a fixed text each of random, repetitive and periodic tokens), the
    /// share at p &lt;= 0.05 and at p &lt;= 0.01 is not above alpha beyond the exact binomial 99.9% interval.
    /// </summary>
    [Theory]
    [InlineData("random", 200, 256, 256)]
    [InlineData("repetitive", 200, 256, 256)]
    [InlineData("periodic", 120, 64, 16)]
    public void P_values_are_conservative_under_the_null(string kind, int length, int block, int keyLength)
    {
        const int keys = 2000;
        var random = new Random(length + block);
        int[] text = kind switch
        {
            "random" => Enumerable.Range(0, length).Select(_ => random.Next(Vocabulary)).ToArray(),
            "repetitive" => Enumerable.Range(0, length).Select(i => i % 7 == 0 ? 3 : 5).ToArray(),
            _ => Enumerable.Range(0, length).Select(i => (i % keyLength) % 5).ToArray(),
        };

        var options = new ExpEditOptions { KeyLength = keyLength, BlockLength = block };
        int at05 = 0, at01 = 0;
        double smallest = 0.0;
        for (int k = 0; k < keys; k++)
        {
            var scheme = ExpEditScheme.Create(TestData.KeyFor(60_000 + k), options, Vocabulary);
            double log10P = scheme.Detect(text, null, Closed).Result.Log10PValue;
            at05 += log10P <= Math.Log10(0.05) ? 1 : 0;
            at01 += log10P <= -2.0 ? 1 : 0;
            smallest = Math.Min(smallest, log10P);
        }

        output.WriteLine($"{kind}: {at05}/{keys} at 0.05, {at01}/{keys} at 0.01, smallest log10 p {smallest:F2}");
        Assert.True(Binomial.ConfidenceInterval(at05, keys, 0.999).Lower <= 0.05, $"{at05}/{keys} at 0.05");
        Assert.True(Binomial.ConfidenceInterval(at01, keys, 0.999).Lower <= 0.01, $"{at01}/{keys} at 0.01");
    }

    /// <summary>
    /// No floor: 200-token generations from the peaked distribution of <see cref="ExpEditPowerTests"/> reach p &lt; 1e-6 in at
    /// least 48 of 50, and after 10% random substitutions in at least 45 of 50 (the permutation test's default floor is 1e-3).
    /// </summary>
    [Fact]
    public void Generations_reach_one_in_a_million_within_200_tokens()
    {
        var scheme = ExpEditScheme.Create(TestData.FixedKey, null, Vocabulary);
        int clean = 0, edited = 0;
        double sum = 0;
        for (int g = 0; g < 50; g++)
        {
            var random = new Random(3000 + g);
            int[] tokens = ExpEditTestData.Generate(scheme, random, 200, ExpEditPowerTests.Scale, random.Next(256));
            ExpEditDetection result = scheme.Detect(tokens, null, Closed);
            sum += result.Result.Log10PValue;
            clean += result.Result.IsWatermarked(1e-6) ? 1 : 0;
            int[] attacked = ExpEditTestData.Substitute(random, tokens, 0.1, Vocabulary);
            edited += scheme.Detect(attacked, null, Closed).Result.IsWatermarked(1e-6) ? 1 : 0;
        }

        output.WriteLine($"p < 1e-6: {clean}/50 clean (mean log10 p {sum / 50:F1}), {edited}/50 with 10% substituted");
        Assert.True(clean >= 48, $"{clean}/50");
        Assert.True(edited >= 45, $"{edited}/50");
    }

    /// <summary>A deletion in the middle of a 600-token generation breaks the alignment of one long block, not of the halves' blocks on either side.</summary>
    [Fact]
    public void A_deletion_leaves_the_blocks_on_either_side()
    {
        var scheme = ExpEditScheme.Create(TestData.FixedKey, new ExpEditOptions { BlockLength = 512 }, Vocabulary);
        var random = new Random(77);
        int[] tokens = ExpEditTestData.Generate(scheme, random, 600, ExpEditPowerTests.Scale, 13);
        int[] edited = [.. tokens[..300], .. tokens[301..]];
        ExpEditDetection result = scheme.Detect(edited, null, Closed);
        output.WriteLine($"log10 p {result.Result.Log10PValue:F1}, block {result.BlockStart}+{result.BlockLength}, shift {result.Shift}");
        Assert.True(result.Result.Log10PValue < -6);
        Assert.True(result.BlockLength <= 256);
    }

    /// <summary>
    /// A scheme made by WithDetection detects and localizes with its test through the generic API; the permutation localizer
    /// answers at once, with no span, when alpha lies below its floor (it used to run 1 / alpha alignments).
    /// </summary>
    [Fact]
    public void With_detection_sets_the_test_of_detect_and_localize()
    {
        var scheme = ExpEditScheme.Create(TestData.FixedKey, null, Vocabulary);
        ExpEditScheme closed = scheme.WithDetection(Closed);
        Assert.Equal(scheme.Descriptor.Hash, closed.Descriptor.Hash);
        Assert.Same(ExpEditDetectionOptions.Default, scheme.Detection);
        var random = new Random(11);
        int[] tokens = ExpEditTestData.Generate(scheme, random, 200, ExpEditPowerTests.Scale, 7);

        DetectionResult direct = scheme.Detect(tokens, null, Closed).Result;
        DetectionResult generic = closed.Detect(tokens);
        Assert.Equal(direct.Log10PValue, generic.Log10PValue);
        Assert.Equal(DetectionStatistic.AlignedGammaSum, generic.Statistic);
        Assert.Equal(DetectionStatistic.EditAlignment, scheme.Detect(tokens).Statistic);

        LocalizationResult located = closed.Localize(tokens, LocalizationOptions.Default with { Alpha = 1e-6 });
        WatermarkedSpan span = Assert.Single(located.Spans);
        Assert.Equal(direct.Log10PValue, span.Log10PValue);
        Assert.Equal(ExpEditGammaBound.Tests(200, 256, 256), located.WindowsSearched);
        Assert.Equal(Math.Min(0.0, direct.Log10PValue - Math.Log10(located.WindowsSearched)), span.Log10PValueUncorrected, 9);

        LocalizationResult none = scheme.Localize(tokens, LocalizationOptions.Default with { Alpha = 1e-6 });
        Assert.Empty(none.Spans);
        Assert.Single(scheme.Localize(tokens, LocalizationOptions.Default with { Alpha = 1e-2 }).Spans);
        Assert.Empty(closed.Localize(ExpEditTestData.Substitute(new Random(1), tokens, 1.0, Vocabulary), LocalizationOptions.Default with { Alpha = 1e-6 }).Spans);
    }

    [Fact]
    public void Bad_test_values_are_refused_and_short_texts_are_insufficient()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditDetectionOptions { Test = (ExpEditTest)7 });
        var scheme = ExpEditScheme.Create(TestData.FixedKey, null, Vocabulary);
        ExpEditDetection result = scheme.Detect([1, 2, 3], null, Closed);
        Assert.Equal(DetectionStatus.InsufficientTokens, result.Result.Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect([1, Vocabulary], null, Closed));
    }

    /// <summary>Frozen: the closed-form test's score, p-value and alignment of a fixed generation (golden file).</summary>
    [Fact]
    public void Released_outputs_are_unchanged()
    {
        var scheme = ExpEditScheme.Create(TestData.FixedKey, null, 50_000, "o200k_base");
        var random = new Random(5);
        int[] tokens = ExpEditTestData.Generate(scheme, random, 150, ExpEditPowerTests.Scale, 40);
        int[] edited = [.. tokens[..60], 123, .. tokens[60..]];
        var actual = new JsonObject();
        foreach (var (name, text) in new[] { ("clean", tokens), ("inserted", edited) })
        {
            ExpEditDetection d = scheme.Detect(text, null, Closed);
            actual[name] = new JsonObject
            {
                ["score"] = d.Result.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["log10PValue"] = d.Result.Log10PValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["blockStart"] = d.BlockStart,
                ["blockLength"] = d.BlockLength,
                ["shift"] = d.Shift,
            };
        }

        if (TestData.ReadOrWriteGolden("exp-edit_v1_gammabound_golden.json", actual) is not { } expected)
        {
            return;
        }

        foreach (string name in new[] { "clean", "inserted" })
        {
            TestData.AssertSameFields(expected[name]!.AsObject(), actual[name]!.AsObject(), name, "blockStart", "blockLength", "shift");
            foreach (string figure in new[] { "score", "log10PValue" })
            {
                double want = double.Parse(expected[name]![figure]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                double got = double.Parse(actual[name]![figure]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(want, got, 9);
            }
        }
    }
}
