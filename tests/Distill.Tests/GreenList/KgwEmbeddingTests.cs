using System;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using Distill.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.GreenList;

public class KgwEmbeddingTests
{
    private static float[] RandomLogits(Random random, int vocabularySize, double maskFraction = 0.0)
    {
        var logits = new float[vocabularySize];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = random.NextDouble() < maskFraction ? float.NegativeInfinity : (float)((random.NextDouble() * 20) - 10);
        }

        return logits;
    }

    [Property(MaxTest = 60, Replay = "(271828,31415)")]
    public Property Vector_and_scalar_bias_give_identical_bits(int seed)
    {
        var random = new Random(seed);
        int vocabularySize = random.Next(1, 5000);
        float[] logits = RandomLogits(random, vocabularySize, 0.1);

        // Signed zeros and extremes must survive identically on both paths.
        for (int i = 0; i < vocabularySize; i += 7)
        {
            logits[i] = (i % 3) switch { 0 => -0.0f, 1 => 0.0f, _ => float.MaxValue };
        }

        ulong prfSeed = (ulong)random.NextInt64();
        uint threshold = (uint)random.NextInt64(0, uint.MaxValue);
        float delta = (float)(random.NextDouble() * 8);
        float[] vector = (float[])logits.Clone();
        float[] scalar = (float[])logits.Clone();
        GreenBias.Apply(vector, prfSeed, threshold, delta, allowVectors: true);
        GreenBias.Apply(scalar, prfSeed, threshold, delta, allowVectors: false);
        bool same = vector.Select(BitConverter.SingleToInt32Bits).SequenceEqual(scalar.Select(BitConverter.SingleToInt32Bits));
        return same.Label($"V={vocabularySize}");
    }

    [Property(MaxTest = 40, Replay = "(1618033,98765)")]
    public Property Bias_preserves_order_within_green_and_within_red_and_keeps_masks(int seed)
    {
        var random = new Random(seed);
        int vocabularySize = random.Next(64, 3000);
        var options = random.Next(2) == 0 ? KgwOptions.LeftHash : KgwOptions.Default;
        var scheme = KgwScheme.Create(TestData.KeyFor(seed), options, vocabularySize);
        int[] prompt = TestData.RandomTokens(random, 8, vocabularySize);
        var session = scheme.CreateSession(prompt);
        float[] before = RandomLogits(random, vocabularySize, 0.2);
        float[] after = (float[])before.Clone();
        session.ProcessLogits(after);

        bool ok = true;
        string why = "";
        var green = new bool[vocabularySize];
        for (int i = 0; i < vocabularySize; i++)
        {
            if (float.IsNegativeInfinity(before[i]) != float.IsNegativeInfinity(after[i]))
            {
                ok = false;
                why = $"mask changed at {i}";
            }

            green[i] = after[i] != before[i];
            if (green[i] && after[i] != before[i] + (float)options.Delta)
            {
                ok = false;
                why = $"token {i} moved by {after[i] - before[i]}";
            }
        }

        // Within each colour the order is kept (weakly: float rounding may create ties).
        for (int trial = 0; trial < 2000 && ok; trial++)
        {
            int a = random.Next(vocabularySize), b = random.Next(vocabularySize);
            if (green[a] == green[b] && before[a] < before[b] && !(after[a] <= after[b]))
            {
                ok = false;
                why = $"order of {a} and {b} reversed";
            }
        }

        return ok.Label(why);
    }

    [Fact]
    public void The_green_fraction_of_random_contexts_tends_to_gamma()
    {
        // Over 400 contexts of a 32,000-token vocabulary the green count is Binomial(12.8M, gamma):
        // the observed fraction must lie in its 99.9% interval, for several gammas.
        foreach (double gamma in new[] { 0.1, 0.25, 0.5 })
        {
            var scheme = KgwScheme.Create(TestData.KeyFor(7), KgwOptions.LeftHash with { Gamma = gamma }, 32_000);
            var random = new Random(11);
            long green = 0, total = 0;
            var logits = new float[32_000];
            for (int c = 0; c < 400; c++)
            {
                Array.Clear(logits);
                var session = scheme.CreateSession([random.Next(32_000)]);
                session.ProcessLogits(logits);
                green += logits.Count(x => x != 0);
                total += logits.Length;
            }

            var (lower, upper) = Binomial.ConfidenceInterval(green, total, 0.999);
            Assert.InRange(scheme.EffectiveGamma, lower, upper);
            Assert.Equal(gamma, scheme.EffectiveGamma, 9);
        }
    }

    [Property(MaxTest = 50, Replay = "(5551212,4243)")]
    public Property SelfHash_biases_exactly_the_green_tokens_among_the_top_candidates(int seed)
    {
        var random = new Random(seed);
        int vocabularySize = random.Next(50, 2000);
        int candidates = random.Next(1, 60);
        var options = KgwOptions.Default with { SelfHashCandidates = candidates };
        var scheme = KgwScheme.Create(TestData.KeyFor(seed), options, vocabularySize);
        int[] prompt = TestData.RandomTokens(random, 5, vocabularySize);
        float[] before = RandomLogits(random, vocabularySize, random.NextDouble() * 0.99);

        // Ties on purpose: quantize some logits.
        for (int i = 0; i < vocabularySize; i += 5)
        {
            before[i] = float.IsNegativeInfinity(before[i]) ? before[i] : MathF.Round(before[i]);
        }

        float[] after = (float[])before.Clone();
        scheme.CreateSession(prompt).ProcessLogits(after);

        // Naive reference: sort by (logit desc, id asc), take the top finite ones, test each.
        int[] top = Enumerable.Range(0, vocabularySize).Where(i => !float.IsNegativeInfinity(before[i]))
            .OrderByDescending(i => before[i]).ThenBy(i => i).Take(candidates).ToArray();
        int[] context = prompt[^3..];
        var expected = new float[vocabularySize];
        Array.Copy(before, expected, vocabularySize);
        foreach (int c in top)
        {
            if (scheme.IsGreen(context, c))
            {
                expected[c] += (float)options.Delta;
            }
        }

        return expected.SequenceEqual(after).Label($"V={vocabularySize} K={candidates}");
    }

    [Fact]
    public void SelfHash_greenness_at_generation_is_what_detection_scores()
    {
        // Greedy decoding of biased all-zero logits must pick a green token each step whenever one is
        // among the candidates; detection must then count every generated token green.
        var scheme = KgwScheme.Create(TestData.KeyFor(3), KgwOptions.Default, 1000);
        int[] prompt = [1, 2, 3];
        var session = scheme.CreateSession(prompt);
        var tokens = prompt.ToList();
        var random = new Random(5);
        var logits = new float[1000];
        for (int step = 0; step < 200; step++)
        {
            for (int i = 0; i < logits.Length; i++)
            {
                logits[i] = (float)random.NextDouble();
            }

            session.ProcessLogits(logits);
            int next = Array.IndexOf(logits, logits.Max());
            session.Accept(next);
            tokens.Add(next);
        }

        var result = scheme.Detect(tokens.ToArray(), new DetectionOptions { Deduplicate = false });
        Assert.Equal(203 - 3, result.ScoredTokens);
        Assert.True(result.GreenTokens >= 195, $"{result.GreenTokens} of {result.ScoredTokens} green");
        Assert.True(result.Log10PValue < -100, result.ToString());
    }

    [Fact]
    public void Under_the_null_p_values_are_valid_for_random_keys()
    {
        // 2,000 token streams drawn independently of the key (50 keys x 40 streams of 200 tokens from a
        // 500-token vocabulary, so repeats happen): the fraction with p <= alpha must not exceed the
        // upper end of the 99% interval around alpha, for LeftHash and SelfHash, dedup on.
        foreach (KgwOptions options in new[] { KgwOptions.LeftHash, KgwOptions.Default })
        {
            var random = new Random(2024);
            var counts = new int[3];
            double[] alphas = [0.1, 0.01, 0.001];
            double minLog10 = 0;
            for (int k = 0; k < 50; k++)
            {
                var scheme = KgwScheme.Create(TestData.KeyFor(1000 + k), options, 500);
                for (int s = 0; s < 40; s++)
                {
                    var result = scheme.Detect(TestData.RandomTokens(random, 200, 500));
                    minLog10 = Math.Min(minLog10, result.Log10PValue);
                    for (int a = 0; a < alphas.Length; a++)
                    {
                        counts[a] += result.IsWatermarked(alphas[a]) ? 1 : 0;
                    }
                }
            }

            for (int a = 0; a < alphas.Length; a++)
            {
                double upper = UpperBoundOfCount(alphas[a], 2000);
                Assert.True(counts[a] <= upper, $"{options.Seeding}: {counts[a]} of 2000 below {alphas[a]} (allowed {upper})");
            }

            Assert.True(minLog10 > -6, $"{options.Seeding}: a null stream reached log10 p = {minLog10}");
        }
    }

    // The largest count still inside the two-sided 99% binomial interval of rate alpha over n trials.
    internal static double UpperBoundOfCount(double alpha, int n)
    {
        int count = (int)(alpha * n);
        while (Math.Exp(Binomial.LogUpperTail(count + 1, n, alpha)) > 0.005)
        {
            count++;
        }

        return count;
    }
}

public class LogitsGuardTests
{
    [FsCheck.Xunit.Property(MaxTest = 200, Replay = "(8675309,12347)")]
    public FsCheck.Property The_vector_scan_finds_the_first_NaN_or_positive_infinity(int seed)
    {
        var random = new Random(seed);
        var logits = new float[random.Next(0, 300)];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)(random.NextDouble() - 0.5) * 100;
        }

        float[] specials = [float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7F800001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00000)), float.PositiveInfinity, float.NegativeInfinity, -0.0f, float.MaxValue, float.MinValue];
        int placed = random.Next(0, 4);
        for (int p = 0; p < placed && logits.Length > 0; p++)
        {
            logits[random.Next(logits.Length)] = specials[random.Next(specials.Length)];
        }

        int expected = Array.FindIndex(logits, x => float.IsNaN(x) || float.IsPositiveInfinity(x));
        int actual = LogitsGuard.IndexOfNaNOrPositiveInfinity(logits);
        return (actual == expected).Label($"length {logits.Length}: expected {expected}, got {actual}");
    }
}
