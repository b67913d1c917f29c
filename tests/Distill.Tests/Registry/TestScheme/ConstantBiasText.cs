using System;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>Token streams sampled through a scheme's session from flat logits (a seeded softmax sampler).</summary>
internal static class ConstantBiasText
{
    /// <summary>Samples <paramref name="length"/> tokens with the scheme's session, reproducibly from <paramref name="seed"/>.</summary>
    public static int[] Generate(WatermarkScheme scheme, int length, int seed)
    {
        var random = new Random(seed);
        WatermarkSession session = scheme.CreateSession([]);
        var logits = new float[scheme.VocabularySize];
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            Array.Clear(logits);
            session.ProcessLogits(logits);
            double total = 0;
            foreach (float logit in logits)
            {
                total += Math.Exp(logit);
            }

            double u = random.NextDouble() * total;
            int token = 0;
            for (double sum = Math.Exp(logits[0]); sum < u && token < logits.Length - 1; sum += Math.Exp(logits[++token]))
            {
            }

            session.Accept(token);
            tokens[i] = token;
        }

        return tokens;
    }
}
