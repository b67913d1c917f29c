using System;
using System.Linq;
using Distill.Gumbel;
using Xunit.Abstractions;
using Distill.Statistics;

namespace Distill.Tests.Gumbel;

public class GumbelEmbeddingTests(ITestOutputHelper output)
{
    [Fact]
    public void ProcessLogits_makes_the_logits_one_hot_on_ChooseToken()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(1);
        var random = new Random(5);
        GumbelSession a = (GumbelSession)scheme.CreateSession([1, 2, 3, 4]);
        GumbelSession b = (GumbelSession)scheme.CreateSession([1, 2, 3, 4]);
        for (int step = 0; step < 50; step++)
        {
            float[] logits = GumbelTestData.NormalLogits(random, scheme.VocabularySize, 2.0);
            logits[random.Next(logits.Length)] = float.NegativeInfinity;
            float[] original = (float[])logits.Clone();
            int chosen = a.ChooseToken(logits);
            Assert.Equal(original, logits);
            b.ProcessLogits(logits);
            Assert.True(chosen >= 0);
            Assert.False(float.IsNegativeInfinity(original[chosen]));
            for (int v = 0; v < logits.Length; v++)
            {
                Assert.Equal(v == chosen ? original[v] : float.NegativeInfinity, logits[v]);
            }

            a.Accept(chosen);
            b.Accept(chosen);
        }
    }

    [Fact]
    public void Masked_logits_stay_masked_and_are_never_chosen()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(2, vocabularySize: 64);
        var random = new Random(9);
        GumbelSession session = (GumbelSession)scheme.CreateSession([5, 6, 7, 8]);
        for (int step = 0; step < 400; step++)
        {
            float[] logits = GumbelTestData.NormalLogits(random, 64, 1.0);
            for (int v = 0; v < 64; v += 2)
            {
                logits[v] = float.NegativeInfinity;
            }

            session.ProcessLogits(logits);
            for (int v = 0; v < 64; v += 2)
            {
                Assert.True(float.IsNegativeInfinity(logits[v]));
            }

            int token = GumbelTestData.Sample(logits, random);
            Assert.Equal(1, token % 2);
            session.Accept(token);
        }
    }

    [Fact]
    public void Too_little_context_and_repeated_contexts_leave_the_logits_unchanged()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(3, contextWidth: 2);
        var random = new Random(1);
        float[] logits = GumbelTestData.NormalLogits(random, scheme.VocabularySize, 2.0);
        GumbelSession session = (GumbelSession)scheme.CreateSession([7]);
        Assert.Equal(-1, session.ChooseToken(logits));
        session.Accept(9);

        // Context (7, 9) is new: watermarked. The prompt's own contexts are not recorded.
        Assert.True(session.ChooseToken(logits) >= 0);
        session.Accept(7);
        session.Accept(9);

        // Context (7, 9) preceded an accepted token already: not watermarked again.
        float[] copy = (float[])logits.Clone();
        session.ProcessLogits(copy);
        Assert.Equal(logits, copy);
        Assert.Equal(-1, session.ChooseToken(logits));

        // After a reset it is new again.
        session.Reset([7, 9]);
        Assert.True(session.ChooseToken(logits) >= 0);
    }

    [Fact]
    public void The_choice_is_distortion_free_over_keys()
    {
        // 20,000 keys, one step over a fixed 16-token distribution with one masked token: the chosen
        // tokens' frequencies must match softmax(logits) by a chi-square test at significance 1e-3
        // (14 degrees of freedom: 15 unmasked categories), and the masked token never appears.
        const int Draws = 20_000;
        float[] logits = [0.0f, -0.5f, -1.0f, 1.5f, 0.3f, -2.0f, float.NegativeInfinity, 0.9f, -0.2f, -3.0f, 0.6f, 0.1f, -1.5f, 1.1f, -0.8f, 0.4f];
        double[] p = logits.Select(l => Math.Exp(l)).ToArray();
        double total = p.Sum();
        var counts = new int[logits.Length];
        int[] prompt = [3, 1, 4, 1];
        for (int i = 0; i < Draws; i++)
        {
            var scheme = GumbelScheme.Create(TestData.KeyFor(100_000 + i), null, logits.Length);
            counts[((GumbelSession)scheme.CreateSession(prompt)).ChooseToken(logits)]++;
        }

        Assert.Equal(0, counts[6]);
        double chi2 = 0.0;
        for (int v = 0; v < logits.Length; v++)
        {
            if (v == 6)
            {
                continue;
            }

            double expected = Draws * p[v] / total;
            Assert.True(expected >= 5, "every expected count is at least 5");
            chi2 += (counts[v] - expected) * (counts[v] - expected) / expected;
        }

        // P[chi2(14) >= x] = Q(7, x / 2).
        double pValue = Math.Exp(GammaDistribution.LogUpperTail(7, chi2 / 2));
        output.WriteLine(FormattableString.Invariant($"chi2(14) = {chi2:F2}, p = {pValue:G3}"));
        Assert.True(pValue > 1e-3, $"chi2 = {chi2:F2}, p = {pValue:E2}; counts {string.Join(",", counts)}");
    }

    [Fact]
    public void Sessions_allocate_nothing_per_token()
    {
        GumbelScheme scheme = GumbelTestData.Scheme(4, vocabularySize: 4096);
        var random = new Random(3);
        float[][] steps = Enumerable.Range(0, 16).Select(_ => GumbelTestData.NormalLogits(random, 4096, 2.0)).ToArray();
        var logits = new float[4096];
        GumbelSession session = (GumbelSession)scheme.CreateSession([1, 2, 3, 4]);
        void Run()
        {
            session.Reset([1, 2, 3, 4]);
            for (int t = 0; t < 2000; t++)
            {
                steps[t % 16].CopyTo(logits, 0);
                session.ProcessLogits(logits);
                int token = session.ChooseToken(steps[t % 16]);
                session.Accept(token >= 0 ? token : t % 4096);
            }
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
