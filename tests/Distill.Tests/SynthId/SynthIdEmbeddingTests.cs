using System;
using System.Linq;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

public class SynthIdEmbeddingTests
{
    private static readonly int[] s_prompt = [11, 22, 33, 44];

    [Theory]
    [InlineData(1000, 40, 30)]
    [InlineData(50_000, 40, 30)]
    [InlineData(300, 7, 64)]
    [InlineData(64, 64, 1)]
    public void Process_logits_equals_the_naive_oracle(int vocabularySize, int topK, int depth)
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { TopK = topK, Depth = depth }, vocabularySize);
        var random = new Random(vocabularySize + topK);
        var session = scheme.CreateSession(s_prompt);
        var context = s_prompt.ToList();
        var logits = new float[vocabularySize];
        for (int step = 0; step < 20; step++)
        {
            SynthIdTestData.FillLogits(logits, random, 3.0);

            // Ties and masked entries exercise the selection's order and skipping.
            logits[5] = logits[6];
            logits[random.Next(vocabularySize)] = float.NegativeInfinity;
            float[] expected = SynthIdTestData.Oracle(scheme, [.. context], logits);
            session.ProcessLogits(logits);
            Assert.Equal(expected, logits);
            int token = SynthIdTestData.Sample(logits, random);
            session.Accept(token);
            context.Add(token);
        }
    }

    [Fact]
    public void Output_is_a_distribution_over_the_top_k_and_masked_stay_masked()
    {
        const int vocabularySize = 5000;
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, vocabularySize);
        var random = new Random(3);
        var logits = new float[vocabularySize];
        SynthIdTestData.FillLogits(logits, random, 2.0);
        for (int i = 0; i < vocabularySize; i += 3)
        {
            logits[i] = float.NegativeInfinity;
        }

        float[] original = (float[])logits.Clone();
        var session = scheme.CreateSession(s_prompt);
        session.ProcessLogits(logits);
        var top = Enumerable.Range(0, vocabularySize).Where(i => !float.IsNegativeInfinity(original[i]))
            .OrderByDescending(i => original[i]).ThenBy(i => i).Take(40).ToHashSet();
        double sum = 0.0;
        for (int i = 0; i < vocabularySize; i++)
        {
            if (!top.Contains(i))
            {
                Assert.Equal(float.NegativeInfinity, logits[i]);
            }
            else
            {
                Assert.True(logits[i] <= 0f);
                sum += Math.Exp(logits[i]);
            }
        }

        Assert.Equal(1.0, sum, 1e-5);
    }

    [Fact]
    public void Too_little_context_and_all_masked_logits_are_left_unchanged()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, 100);
        var session = scheme.CreateSession([1, 2, 3]);
        var logits = Enumerable.Range(0, 100).Select(i => (float)Math.Sin(i)).ToArray();
        float[] original = (float[])logits.Clone();
        session.ProcessLogits(logits);
        Assert.Equal(original, logits);

        session.Accept(4);
        var masked = Enumerable.Repeat(float.NegativeInfinity, 100).ToArray();
        session.ProcessLogits(masked);
        Assert.All(masked, v => Assert.Equal(float.NegativeInfinity, v));

        session.ProcessLogits(logits);
        Assert.NotEqual(original, logits);
    }

    [Fact]
    public void A_repeated_context_is_not_watermarked()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { ContextWidth = 2, ContextHistory = 8 }, 100);
        var session = scheme.CreateSession([1, 2]);
        var logits = Enumerable.Range(0, 100).Select(i => (float)Math.Cos(i)).ToArray();
        float[] original = (float[])logits.Clone();

        // Contexts (1,2), (2,7), (7,1) are remembered; then (1,2) comes back.
        float[] step = (float[])original.Clone();
        session.ProcessLogits(step);
        Assert.NotEqual(original, step);
        session.Accept(7);
        session.Accept(1);
        session.Accept(2);
        step = (float[])original.Clone();
        session.ProcessLogits(step);
        Assert.Equal(original, step);

        // ProcessLogits twice at one step changes nothing about the history.
        session.Accept(9);
        step = (float[])original.Clone();
        session.ProcessLogits(step);
        float[] again = (float[])original.Clone();
        session.ProcessLogits(again);
        Assert.Equal(step, again);

        // After more than ContextHistory new contexts, (1,2) is watermarked again.
        for (int t = 20; t < 30; t++)
        {
            session.Accept(t);
        }

        session.Accept(1);
        session.Accept(2);
        step = (float[])original.Clone();
        session.ProcessLogits(step);
        Assert.NotEqual(original, step);

        // Reset forgets the history.
        session.Reset([7, 1, 2]);
        step = (float[])original.Clone();
        session.ProcessLogits(step);
        Assert.NotEqual(original, step);
    }

    [Fact]
    public void Tournament_matches_the_reference_closed_form_and_preserves_the_mean()
    {
        // Exhaustively over all g-assignments of one layer for three candidates, the expectation over
        // fair g-values of the updated distribution is the input distribution.
        double[] p = [0.5, 0.3, 0.2];
        var mean = new double[3];
        for (ulong bits = 0; bits < 8; bits++)
        {
            ulong[] words = [bits & 1, (bits >> 1) & 1, (bits >> 2) & 1];
            double[] q = (double[])p.Clone();
            SynthIdScheme.Tournament(q, words, 1);
            Assert.Equal(1.0, q.Sum(), 1e-15);
            for (int i = 0; i < 3; i++)
            {
                mean[i] += q[i] / 8;
            }
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(p[i], mean[i], 1e-15);
        }
    }

    [Fact]
    public void Distortion_free_over_keys_by_chi_square()
    {
        // One step on a fixed distribution whose support the top-k covers, 20,000 keys: the sampled
        // tokens follow the model's distribution (chi-square, 11 degrees of freedom, significance 1e-3).
        const int vocabularySize = 12;
        const int draws = 20_000;
        float[] model = [2.0f, 1.5f, 1.2f, 1.0f, 0.7f, 0.5f, 0.3f, 0.0f, -0.3f, -0.6f, -1.0f, -1.5f];
        double z = model.Sum(v => Math.Exp(v));
        var counts = new int[vocabularySize];
        var random = new Random(2024);
        var logits = new float[vocabularySize];
        var options = new SynthIdOptions { TopK = vocabularySize };
        int[] prompt = [3, 1, 4, 1];
        for (int k = 0; k < draws; k++)
        {
            var scheme = SynthIdScheme.Create(TestData.KeyFor(k), options, vocabularySize);
            model.CopyTo(logits, 0);
            scheme.CreateSession(prompt).ProcessLogits(logits);
            counts[SynthIdTestData.Sample(logits, random)]++;
        }

        double chi2 = 0.0;
        for (int i = 0; i < vocabularySize; i++)
        {
            double expected = draws * Math.Exp(model[i]) / z;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }

        // P[chi2(11) >= 31.264] = 1e-3.
        Assert.True(chi2 < 31.264, $"chi-square {chi2:F2} with counts {string.Join(",", counts)}");
    }
}
