using System;
using System.Collections.Generic;
using System.Linq;
using Distill.GreenList;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Distill.Tests.Sessions.SessionOracle;

namespace Distill.Tests.Sessions;

public class SessionPropertyTests
{
    private static readonly int[] s_vocabularySizes = [50, 257, 1_000];

    /// <summary>
    /// Over random logits with random masks (none, some, all, only the top k finite with k below the
    /// 40 SelfHash candidates, or just above), signed zeros, ties and extreme finite values: masked
    /// logits stay negative infinity, and every logit is exactly what the slow oracle says.
    /// </summary>
    [Property(MaxTest = 120, Replay = "(97531,8641)")]
    public Property Masked_logits_stay_masked_and_the_rest_follow_the_oracle(int seed, bool selfHash)
    {
        var random = new Random(seed);
        int vocabularySize = s_vocabularySizes[random.Next(s_vocabularySizes.Length)];
        KgwOptions options = selfHash ? KgwOptions.Default : KgwOptions.LeftHash with { ContextWidth = random.Next(1, 4) };
        var scheme = KgwScheme.Create(TestData.KeyFor(seed), options, vocabularySize);
        var context = new List<int>(TestData.RandomTokens(random, random.Next(0, 6), vocabularySize));
        WatermarkSession session = scheme.CreateSession(context.ToArray());

        for (int step = 0; step < 4; step++)
        {
            int kind = random.Next(6);
            float[] logits = Logits(random, vocabularySize, kind);
            float[] expected = Expected(scheme, context, logits);
            float[] actual = (float[])logits.Clone();
            session.ProcessLogits(actual);

            for (int i = 0; i < logits.Length; i++)
            {
                bool masked = float.IsNegativeInfinity(logits[i]);
                if (masked != float.IsNegativeInfinity(actual[i]) || float.IsNaN(actual[i]) || float.IsPositiveInfinity(actual[i]))
                {
                    return false.Label($"seed={seed} selfHash={selfHash} V={vocabularySize} step={step} kind={kind}: token {i} went from {logits[i]} to {actual[i]}");
                }
            }

            int difference = FirstDifference(expected, actual);
            if (difference >= 0)
            {
                return false.Label($"seed={seed} selfHash={selfHash} V={vocabularySize} step={step} kind={kind}: token {difference} is {actual[difference]}, expected {expected[difference]} (was {logits[difference]})");
            }

            int token = random.Next(vocabularySize);
            session.Accept(token);
            context.Add(token);
        }

        return (session.Position == context.Count).Label($"seed={seed}: position {session.Position}, context {context.Count}");
    }

    private static float[] Logits(Random random, int vocabularySize, int kind)
    {
        var logits = new float[vocabularySize];
        bool quantized = random.Next(2) == 0; // many ties
        for (int i = 0; i < logits.Length; i++)
        {
            double u = (random.NextDouble() * 20.0) - 10.0;
            logits[i] = random.Next(40) switch
            {
                0 => -0.0f,
                1 => 0.0f,
                2 => float.MinValue,
                3 => -1e30f,
                _ => quantized ? (float)Math.Round(u) : (float)u,
            };
        }

        switch (kind)
        {
            case 1: // some masked
                double fraction = random.NextDouble();
                for (int i = 0; i < logits.Length; i++)
                {
                    if (random.NextDouble() < fraction)
                    {
                        logits[i] = float.NegativeInfinity;
                    }
                }

                break;
            case 2: // all masked
                Array.Fill(logits, float.NegativeInfinity);
                break;
            case 3: // top-k below the SelfHash candidate count
            case 4: // top-k at or just above it
                int k = Math.Min(kind == 3 ? random.Next(0, 40) : random.Next(40, 46), vocabularySize);
                int[] keep = Enumerable.Range(0, vocabularySize).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(k).ToArray();
                var finite = new HashSet<int>(keep);
                for (int i = 0; i < logits.Length; i++)
                {
                    if (!finite.Contains(i))
                    {
                        logits[i] = float.NegativeInfinity;
                    }
                }

                break;
            default: // none masked
                break;
        }

        return logits;
    }
}
