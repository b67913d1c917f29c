using System;
using System.Linq;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.ExpEdit;
using Distill.Statistics;

namespace Distill.Tests.ExpEdit;

public class ExpEditSchemeTests
{
    private const int Vocabulary = 500;

    private static readonly ExpEditScheme s_scheme = ExpEditScheme.Create(TestData.FixedKey, null, Vocabulary);

    [Fact]
    public void Vector_and_scalar_alignment_give_identical_bits()
    {
        var random = new Random(7);
        foreach (var (length, block, gamma, keyLength) in new[] { (30, 30, 0.0, 256), (40, 16, 0.0, 40), (25, 25, 0.4, 256), (33, 12, 1.5, 9) })
        {
            var scheme = ExpEditScheme.Create(TestData.FixedKey, new ExpEditOptions { BlockLength = block, EditPenalty = gamma, KeyLength = keyLength }, Vocabulary);
            int[] tokens = TestData.RandomTokens(random, length, Vocabulary);
            for (long stream = 0; stream < 3; stream++)
            {
                var fast = scheme.Statistic(tokens, stream, vectorize: true);
                var slow = scheme.Statistic(tokens, stream, vectorize: false);
                Assert.Equal(BitConverter.SingleToInt32Bits(slow.Cost), BitConverter.SingleToInt32Bits(fast.Cost));
                Assert.Equal(slow.BlockStart, fast.BlockStart);
                Assert.Equal(slow.Shift, fast.Shift);
            }
        }
    }

    /// <summary>The statistic equals the reference's: gumbel_levenshtein of every block against xi[(j + arange(k)) % n], minimized.</summary>
    [Fact]
    public void Alignment_matches_the_reference_recurrence()
    {
        var random = new Random(11);
        foreach (var (length, block, gamma) in new[] { (20, 20, 0.0), (24, 10, 0.0), (18, 18, 0.4) })
        {
            var scheme = ExpEditScheme.Create(TestData.FixedKey, new ExpEditOptions { BlockLength = block, EditPenalty = gamma, KeyLength = 16 }, Vocabulary);
            int[] tokens = TestData.RandomTokens(random, length, Vocabulary);
            float expected = float.PositiveInfinity;
            float g = (float)gamma;
            int n = scheme.Options.KeyLength;
            for (int i = 0; i + block <= length; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    // A[a][b]: a over the text block x, b over the key rows y, as in gumbel_levenshtein.
                    var a = new float[block + 1, block + 1];
                    for (int x = 0; x <= block; x++)
                    {
                        for (int y = 0; y <= block; y++)
                        {
                            if (x == 0)
                            {
                                a[x, y] = y * g;
                            }
                            else if (y == 0)
                            {
                                a[x, y] = x * g;
                            }
                            else
                            {
                                float cost = (float)Math.Log(1.0 - scheme.KeyUniform((j + y - 1) % n, tokens[i + x - 1]));
                                a[x, y] = Math.Min(Math.Min(a[x - 1, y] + g, a[x, y - 1] + g), a[x - 1, y - 1] + cost);
                            }
                        }
                    }

                    expected = Math.Min(expected, a[block, block]);
                }
            }

            Assert.Equal(expected, scheme.AlignmentCost(tokens), 3);
        }
    }

    [Fact]
    public void Process_logits_makes_them_one_hot_and_keeps_the_chosen_value()
    {
        var logits = new float[Vocabulary];
        ExpEditTestData.PeakedLogits(new Random(3), logits, 2.0);
        float[] original = (float[])logits.Clone();
        var session = s_scheme.CreateSession([1, 2, 3], 17);
        int chosen = s_scheme.ChooseToken(original, 17);
        session.ProcessLogits(logits);
        Assert.Equal(chosen, Array.FindIndex(logits, float.IsFinite));
        Assert.Equal(original[chosen], logits[chosen]);
        Assert.Equal(Vocabulary - 1, logits.Count(float.IsNegativeInfinity));
    }

    [Fact]
    public void Masked_logits_are_never_chosen_and_all_masked_changes_nothing()
    {
        var random = new Random(5);
        var logits = new float[Vocabulary];
        for (int step = 0; step < 200; step++)
        {
            ExpEditTestData.PeakedLogits(random, logits, 3.0);
            for (int v = 0; v < Vocabulary; v++)
            {
                if (v % 3 != 0)
                {
                    logits[v] = float.NegativeInfinity;
                }
            }

            int chosen = s_scheme.ChooseToken(logits, step % 256);
            Assert.Equal(0, chosen % 3);
        }

        var masked = Enumerable.Repeat(float.NegativeInfinity, Vocabulary).ToArray();
        var session = s_scheme.CreateSession([], 0);
        session.ProcessLogits(masked);
        Assert.All(masked, x => Assert.True(float.IsNegativeInfinity(x)));
        Assert.Equal(-1, s_scheme.ChooseToken(masked, 0));
    }

    [Fact]
    public void Bad_input_throws_and_changes_nothing()
    {
        var session = s_scheme.CreateSession([], 0);
        var logits = new float[Vocabulary];
        logits[7] = float.NaN;
        float[] copy = (float[])logits.Clone();
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
        Assert.Equal(copy.Select(BitConverter.SingleToInt32Bits), logits.Select(BitConverter.SingleToInt32Bits));
        logits[7] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(new float[Vocabulary - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(Vocabulary));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s_scheme.Detect([1, 2, Vocabulary]));
        Assert.Throws<ArgumentOutOfRangeException>(() => s_scheme.CreateSession([], 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => s_scheme.CreateSession([], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s_scheme.CreateSession([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => s_scheme.KeyUniform(256, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditOptions { KeyLength = 7 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditOptions { BlockLength = 3 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditOptions { EditPenalty = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditOptions { EditPenalty = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditDetectionOptions { Resamples = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditDetectionOptions { EarlyStopHits = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpEditDetectionOptions { MaxDegreeOfParallelism = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpEditDetectionOptions.Default.WithPValueFloor(0.9));
        Assert.Equal(999, ExpEditDetectionOptions.Default.WithPValueFloor(1e-3).Resamples);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpEditScheme.Create(TestData.FixedKey, null, 1));
    }

    [Fact]
    public void Short_texts_are_insufficient()
    {
        DetectionResult result = s_scheme.Detect([1, 2, 3]);
        Assert.Equal(DetectionStatus.InsufficientTokens, result.Status);
        Assert.Equal(0.0, result.Log10PValue);
        Assert.Equal(DetectionStatistic.EditAlignment, result.Statistic);
    }

    [Fact]
    public void Sessions_follow_the_key_sequence_from_their_shift()
    {
        var random = new Random(9);
        var scheme = ExpEditScheme.Create(TestData.FixedKey, new ExpEditOptions { KeyLength = 8 }, Vocabulary);
        var session = scheme.CreateSession([4, 5], 6);
        var logits = new float[Vocabulary];
        for (int i = 0; i < 20; i++)
        {
            ExpEditTestData.PeakedLogits(random, logits, 1.0);
            int expected = scheme.ChooseToken(logits, (6 + i) % 8);
            session.ProcessLogits(logits);
            Assert.Equal(expected, Array.FindIndex(logits, float.IsFinite));
            session.Accept(expected);
        }

        Assert.Equal(22, session.Position);
        session.Reset([1]);
        Assert.Equal(1, session.Position);
        Assert.Equal(6, ((ExpEditSession)session).Shift);

        // Random shifts come from a cryptographic generator: over 64 sessions not all equal.
        var shifts = Enumerable.Range(0, 64).Select(_ => ((ExpEditSession)s_scheme.CreateSession([])).Shift).Distinct().Count();
        Assert.True(shifts > 1);
    }

    [Fact]
    public void Detect_is_deterministic_and_thread_safe()
    {
        int[][] texts = Enumerable.Range(0, 8).Select(i => TestData.RandomTokens(new Random(100 + i), 40, Vocabulary)).ToArray();
        var test = new ExpEditDetectionOptions { Resamples = 39, EarlyStopHits = 0 };
        var sequential = texts.Select(t => s_scheme.Detect(t, null, test with { MaxDegreeOfParallelism = 1 })).ToArray();
        var parallel = new ExpEditDetection[texts.Length];
        Parallel.For(0, texts.Length, i => parallel[i] = s_scheme.Detect(texts[i], null, test));
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(sequential[i].Result.Score, parallel[i].Result.Score);
            Assert.Equal(sequential[i].Result.Log10PValue, parallel[i].Result.Log10PValue);
            Assert.Equal(sequential[i].NullHits, parallel[i].NullHits);
        }
    }

    [Fact]
    public void Early_stopping_reports_hits_over_resamples_used()
    {
        int[] text = TestData.RandomTokens(new Random(1), 30, Vocabulary);
        var full = s_scheme.Detect(text, null, new ExpEditDetectionOptions { Resamples = 199, EarlyStopHits = 0 });
        var early = s_scheme.Detect(text, null, new ExpEditDetectionOptions { Resamples = 199, EarlyStopHits = 5 });
        Assert.Equal(199, full.ResamplesUsed);
        Assert.False(full.StoppedEarly);
        Assert.True(early.StoppedEarly);
        Assert.Equal(5, early.NullHits);
        Assert.True(early.ResamplesUsed < 199);
        Assert.Equal(Math.Log10(5.0 / early.ResamplesUsed), early.Result.Log10PValue, 12);
        Assert.Equal(Math.Log10((1.0 + full.NullHits) / 200.0), full.Result.Log10PValue, 12);
    }

    /// <summary>Under the null, P[p &lt;= a] = a for a = k / (N + 1): the fractions at 0.05 and 0.01 lie in their exact binomial 99.9% intervals.</summary>
    [Theory]
    [InlineData(24, 256, 600, 19, 0.05)]
    [InlineData(40, 16, 300, 19, 0.05)]
    [InlineData(20, 256, 1500, 99, 0.01)]
    public void P_values_are_calibrated_under_the_null(int length, int block, int keys, int resamples, double alpha)
    {
        var options = new ExpEditOptions { BlockLength = block };
        var test = new ExpEditDetectionOptions { Resamples = resamples, EarlyStopHits = 1 };
        int[] text = TestData.RandomTokens(new Random(length), length, Vocabulary);
        int significant = 0;
        for (int k = 0; k < keys; k++)
        {
            var scheme = ExpEditScheme.Create(TestData.KeyFor(50_000 + k), options, Vocabulary);
            if (scheme.Detect(text, null, test).Result.IsWatermarked(alpha))
            {
                significant++;
            }
        }

        var (lower, upper) = Binomial.ConfidenceInterval(significant, keys, 0.999);
        Assert.True(lower <= alpha && alpha <= upper, $"{significant}/{keys} at alpha {alpha}: interval [{lower}, {upper}]");
    }

    /// <summary>Distortion-free: over 20,000 keys, one step's choices follow the softmax (chi-square test at 1e-3).</summary>
    [Fact]
    public void Choices_over_keys_follow_the_softmax()
    {
        const int vocabulary = 10, draws = 20_000;
        float[] logits = [1.5f, 0.2f, -1.0f, 2.0f, float.NegativeInfinity, 0.0f, 0.7f, -0.3f, 1.1f, -2.5f];
        double max = logits.Max(), z = logits.Sum(l => Math.Exp(l - max));
        double[] p = logits.Select(l => Math.Exp(l - max) / z).ToArray();
        var counts = new int[vocabulary];
        var options = new ExpEditOptions { KeyLength = 8 };
        for (int k = 0; k < draws; k++)
        {
            var scheme = ExpEditScheme.Create(TestData.KeyFor(k), options, vocabulary);
            counts[scheme.ChooseToken(logits, k % 8)]++;
        }

        Assert.Equal(0, counts[4]);
        double chi2 = 0;
        int cells = 0;
        for (int v = 0; v < vocabulary; v++)
        {
            if (p[v] > 0)
            {
                double e = draws * p[v];
                chi2 += (counts[v] - e) * (counts[v] - e) / e;
                cells++;
            }
        }

        double log10P = GammaDistribution.Log10UpperTail((cells - 1) / 2.0, chi2 / 2.0);
        Assert.True(log10P > -3.0, $"chi-square {chi2} on {cells - 1} df: log10 p = {log10P}");
    }

    [Fact]
    public void Localize_reports_the_watermarked_block()
    {
        var scheme = ExpEditScheme.Create(TestData.FixedKey, new ExpEditOptions { BlockLength = 40, KeyLength = 64 }, Vocabulary);
        var random = new Random(21);
        int[] marked = ExpEditTestData.Generate(scheme, random, 40, 3.0, 10);
        int[] text = [.. TestData.RandomTokens(random, 30, Vocabulary), .. marked, .. TestData.RandomTokens(random, 20, Vocabulary)];
        LocalizationResult result = scheme.Localize(text);
        WatermarkedSpan span = Assert.Single(result.Spans);
        Assert.InRange(span.Start, 25, 35);
        Assert.True(span.Log10PValue <= -2.0);
        Assert.Equal(1, result.WindowsSearched);
    }

    [Fact]
    public void Descriptors_round_trip_and_mismatches_are_refused()
    {
        var scheme = ExpEditScheme.Create(TestData.FixedKey, new ExpEditOptions { BlockLength = 64, EditPenalty = 0.25 }, Vocabulary, "o200k_base");
        var again = ExpEditScheme.FromDescriptor(scheme.Descriptor, TestData.FixedKey);
        Assert.Equal(scheme.Descriptor.Hash, again.Descriptor.Hash);
        Assert.NotEqual(scheme.Descriptor.Hash, s_scheme.Descriptor.Hash);
        Assert.Throws<ArgumentException>(() => ExpEditScheme.FromDescriptor(scheme.Descriptor, TestData.KeyFor(1)));
        Assert.Throws<NotSupportedException>(() => ExpEditScheme.FromDescriptor(scheme.Descriptor with { SchemeVersion = 2 }, TestData.FixedKey));
        Assert.Throws<ArgumentException>(() => ExpEditScheme.FromDescriptor(scheme.Descriptor with { Scheme = "kgw" }, TestData.FixedKey));
        Assert.IsType<ExpEditScheme>(new WatermarkProfile(scheme.Descriptor, TestData.FixedKey).CreateScheme());
    }
}
