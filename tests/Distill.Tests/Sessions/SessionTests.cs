using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.GreenList;
using static Distill.Tests.Sessions.SessionOracle;

namespace Distill.Tests.Sessions;

public class SessionTests
{
    private const int VocabularySize = 4_099; // not a multiple of any vector width

    public static TheoryData<KgwSeeding> Seedings => [KgwSeeding.LeftHash, KgwSeeding.SelfHash];

    [Theory]
    [MemberData(nameof(Seedings))]
    public void Negative_zero_keeps_its_sign_unless_green(KgwSeeding seeding)
    {
        KgwScheme scheme = Scheme(seeding);
        int[] prompt = [3, 1, 4, 1, 5];
        WatermarkSession session = scheme.CreateSession(prompt);
        var logits = new float[VocabularySize];
        Array.Fill(logits, -0.0f);
        float[] expected = Expected(scheme, prompt, logits);
        session.ProcessLogits(logits);

        int green = 0, negativeZero = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(logits[i]));
            if (logits[i] == (float)scheme.Options.Delta)
            {
                green++;
            }
            else
            {
                Assert.True(float.IsNegative(logits[i]) && logits[i] == 0f, $"token {i}: {logits[i]}");
                negativeZero++;
            }
        }

        // Both outcomes occur, so the sign check above is exercised.
        Assert.True(green > 0 && negativeZero > 0, $"{green} green, {negativeZero} negative zeros");
        if (seeding == KgwSeeding.SelfHash)
        {
            Assert.True(green <= scheme.Options.SelfHashCandidates);
        }
    }

    [Theory]
    [MemberData(nameof(Seedings))]
    public void Reset_then_generating_equals_a_fresh_session(KgwSeeding seeding)
    {
        KgwScheme scheme = Scheme(seeding);
        var random = new Random(7);

        // Use the session for another request first, then reset it for this one.
        WatermarkSession reused = scheme.CreateSession([9, 9, 9, 9, 9, 9]);
        for (int i = 0; i < 10; i++)
        {
            reused.ProcessLogits(Logits(random));
            reused.Accept(random.Next(VocabularySize));
        }

        foreach (int[] prompt in new[] { new[] { 10, 20, 30, 40, 50, 60, 70 }, new[] { 5 }, Array.Empty<int>() })
        {
            reused.Reset(prompt);
            WatermarkSession fresh = scheme.CreateSession(prompt);
            Assert.Equal(prompt.Length, reused.Position);
            var stepRandom = new Random(prompt.Length);
            bool anyBiased = false;
            for (int step = 0; step < 12; step++)
            {
                float[] a = Logits(stepRandom);
                float[] original = (float[])a.Clone();
                float[] b = (float[])a.Clone();
                reused.ProcessLogits(a);
                fresh.ProcessLogits(b);
                Assert.Equal(Bits(b), Bits(a));
                anyBiased |= FirstDifference(original, a) >= 0;

                // Greedy sampling, so that the accepted tokens depend on the bias too.
                int token = Array.IndexOf(a, a.Max());
                reused.Accept(token);
                fresh.Accept(token);
                Assert.Equal(fresh.Position, reused.Position);
            }

            Assert.True(anyBiased);
        }
    }

    [Theory]
    [MemberData(nameof(Seedings))]
    public void Position_counts_the_prompt_and_accepted_tokens(KgwSeeding seeding)
    {
        KgwScheme scheme = Scheme(seeding);
        int[] longPrompt = TestData.RandomTokens(new Random(1), 100, VocabularySize);
        WatermarkSession session = scheme.CreateSession(longPrompt);
        Assert.Equal(100, session.Position);
        Assert.Equal(VocabularySize, session.VocabularySize);

        for (int i = 1; i <= 25; i++)
        {
            session.ProcessLogits(Logits(new Random(i)));
            Assert.Equal(100 + i - 1, session.Position); // ProcessLogits does not move it
            session.Accept(i);
            Assert.Equal(100 + i, session.Position);
        }

        session.Reset([1, 2]);
        Assert.Equal(2, session.Position);
        session.Reset([]);
        Assert.Equal(0, session.Position);
        Assert.Equal(0, scheme.CreateSession([]).Position);
        Assert.Equal(1, scheme.CreateSession([0]).Position);
    }

    [Theory]
    [MemberData(nameof(Seedings))]
    public void Without_a_full_context_nothing_is_biased(KgwSeeding seeding)
    {
        KgwScheme scheme = Scheme(seeding);
        WatermarkSession session = scheme.CreateSession([]);
        int prefix = scheme.Options.PrefixLength;
        for (int i = 0; i < prefix; i++)
        {
            float[] logits = Logits(new Random(i));
            int[] before = Bits(logits);
            session.ProcessLogits(logits);
            Assert.Equal(before, Bits(logits));
            session.Accept(i);
        }

        float[] last = Logits(new Random(99));
        int[] unbiased = Bits(last);
        session.ProcessLogits(last);
        Assert.NotEqual(unbiased, Bits(last));
    }

    [Fact]
    public void One_scheme_shared_by_8_threads_gives_the_sequential_results()
    {
        KgwScheme[] schemes = [Scheme(KgwSeeding.LeftHash), Scheme(KgwSeeding.SelfHash)];
        const int Jobs = 32;
        var sequential = new string[Jobs];
        for (int job = 0; job < Jobs; job++)
        {
            sequential[job] = Run(schemes[job % 2], job);
        }

        var parallel = new string[Jobs];
        Parallel.For(0, Jobs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, job => parallel[job] = Run(schemes[job % 2], job));
        Assert.Equal(sequential, parallel);
        Assert.Equal(Jobs, sequential.Distinct().Count());
    }

    // One request: generation with the shared scheme, then detection of what was generated.
    private static string Run(KgwScheme scheme, int job)
    {
        var random = new Random(1000 + job);
        WatermarkSession session = scheme.CreateSession(TestData.RandomTokens(random, 4, VocabularySize));
        var tokens = new List<int>();
        long logitBits = 17;
        for (int step = 0; step < 40; step++)
        {
            float[] logits = Logits(random);
            session.ProcessLogits(logits);
            foreach (float value in logits)
            {
                logitBits = unchecked((logitBits * 31) + BitConverter.SingleToInt32Bits(value));
            }

            int token = Array.IndexOf(logits, logits.Max());
            tokens.Add(token);
            session.Accept(token);
        }

        DetectionResult detected = scheme.Detect(tokens.ToArray());
        var scores = new TokenScore[tokens.Count];
        DetectionResult scored = scheme.ScoreTokens(tokens.ToArray(), scores);
        GreenListAccumulator accumulator = (GreenListAccumulator)scheme.CreateAccumulator();
        accumulator.Append(tokens.ToArray());
        Assert.True(detected.IsSignificant(1e-6), detected.ToString());
        return string.Join(
            '|',
            logitBits,
            string.Join(',', tokens),
            detected.ToString(),
            scored.ToString(),
            accumulator.GetResult().ToString(),
            string.Concat(scores.Select(s => (int)s)));
    }

    private static KgwScheme Scheme(KgwSeeding seeding) =>
        KgwScheme.Create(TestData.KeyFor(60), seeding == KgwSeeding.SelfHash ? KgwOptions.Default : KgwOptions.LeftHash, VocabularySize);

    private static float[] Logits(Random random)
    {
        var logits = new float[VocabularySize];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)(random.NextDouble() * 5.0);
        }

        return logits;
    }
}
