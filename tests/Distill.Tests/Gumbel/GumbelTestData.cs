using System;
using Distill.Gumbel;

namespace Distill.Tests.Gumbel;

internal static class GumbelTestData
{
    /// <summary>Normal logits (mean 0, standard deviation <paramref name="sigma"/>) from a seeded generator.</summary>
    public static float[] NormalLogits(Random random, int vocabularySize, double sigma)
    {
        var logits = new float[vocabularySize];
        FillNormal(random, logits, sigma);
        return logits;
    }

    public static void FillNormal(Random random, Span<float> logits, double sigma)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            logits[i] = (float)(sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    /// <summary>Draws a token from softmax(logits) with a seeded generator (see <see cref="TestData.SoftmaxSample"/>).</summary>
    public static int Sample(ReadOnlySpan<float> logits, Random random) => TestData.SoftmaxSample(logits, random);

    /// <summary>Generates through a session: each step normal logits, then ProcessLogits, then the ordinary sampler.</summary>
    public static int[] Generate(WatermarkSession session, Random random, int count, double sigma)
    {
        var tokens = new int[count];
        var logits = new float[session.VocabularySize];
        for (int t = 0; t < count; t++)
        {
            FillNormal(random, logits, sigma);
            session.ProcessLogits(logits);
            tokens[t] = Sample(logits, random);
            session.Accept(tokens[t]);
        }

        return tokens;
    }

    public static GumbelScheme Scheme(int keySeed, int vocabularySize = 1000, int contextWidth = 4, int variants = 1) =>
        GumbelScheme.Create(TestData.KeyFor(keySeed), new GumbelOptions { ContextWidth = contextWidth, Variants = variants }, vocabularySize, "test");
}
