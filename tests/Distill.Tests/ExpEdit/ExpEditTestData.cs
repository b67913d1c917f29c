using System;
using Distill.ExpEdit;

namespace Distill.Tests.ExpEdit;

internal static class ExpEditTestData
{
    /// <summary>Normal logits times <paramref name="scale"/>: a peaked random next-token distribution.</summary>
    public static void PeakedLogits(Random random, Span<float> logits, double scale)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            logits[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    /// <summary>Generates through a session: each step's one-hot logits leave one token, which is emitted.</summary>
    public static int[] Generate(ExpEditScheme scheme, Random random, int count, double scale, int shift)
    {
        var session = scheme.CreateSession([], shift);
        var logits = new float[scheme.VocabularySize];
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            PeakedLogits(random, logits, scale);
            session.ProcessLogits(logits);
            int chosen = Array.FindIndex(logits, float.IsFinite);
            tokens[i] = chosen;
            session.Accept(chosen);
        }

        return tokens;
    }

    /// <summary>Replaces each token by a uniform random one with probability <paramref name="rate"/>.</summary>
    public static int[] Substitute(Random random, int[] tokens, double rate, int vocabularySize)
    {
        var result = (int[])tokens.Clone();
        for (int i = 0; i < result.Length; i++)
        {
            if (random.NextDouble() < rate)
            {
                result[i] = random.Next(vocabularySize);
            }
        }

        return result;
    }
}
