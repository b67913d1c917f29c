using System;
using System.Collections.Generic;
using System.Linq;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

/// <summary>Samplers, generators and a naive oracle of the embedding step for the SynthID tests.</summary>
internal static class SynthIdTestData
{
    /// <summary>A plain softmax draw from logits (see <see cref="TestData.SoftmaxSample"/>).</summary>
    public static int Sample(ReadOnlySpan<float> logits, Random random) => TestData.SoftmaxSample(logits, random);

    /// <summary>Peaked random logits: normal with standard deviation <paramref name="scale"/> (Box-Muller).</summary>
    public static void FillLogits(Span<float> logits, Random random, double scale)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            logits[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    /// <summary>Samples <paramref name="count"/> tokens through a session from fresh random logits at each step.</summary>
    public static int[] SampleWatermarked(WatermarkSession session, Random random, int count, double scale)
    {
        var tokens = new int[count];
        var logits = new float[session.VocabularySize];
        for (int i = 0; i < count; i++)
        {
            FillLogits(logits, random, scale);
            session.ProcessLogits(logits);
            tokens[i] = Sample(logits, random);
            session.Accept(tokens[i]);
        }

        return tokens;
    }

    /// <summary>Samples the same way without a watermark.</summary>
    public static int[] SampleUnwatermarked(int vocabularySize, Random random, int count, double scale)
    {
        var tokens = new int[count];
        var logits = new float[vocabularySize];
        for (int i = 0; i < count; i++)
        {
            FillLogits(logits, random, scale);
            tokens[i] = Sample(logits, random);
        }

        return tokens;
    }

    /// <summary>
    /// The embedding step written the obvious way: sort the finite logits (value descending, id
    /// ascending), keep TopK, softmax in double, tournament with g-values from <see cref="SynthIdScheme.GValues"/>.
    /// </summary>
    public static float[] Oracle(SynthIdScheme scheme, int[] context, float[] logits)
    {
        var candidates = Enumerable.Range(0, logits.Length)
            .Where(i => !float.IsNegativeInfinity(logits[i]))
            .OrderByDescending(i => logits[i]).ThenBy(i => i)
            .Take(scheme.Options.TopK).ToArray();
        var result = Enumerable.Repeat(float.NegativeInfinity, logits.Length).ToArray();
        if (candidates.Length == 0)
        {
            return (float[])logits.Clone();
        }

        float max = candidates.Max(i => logits[i]);
        double[] e = candidates.Select(i => Math.Exp((double)logits[i] - max)).ToArray();
        double sum = 0.0;
        foreach (double x in e)
        {
            sum += x;
        }

        double[] p = e.Select(x => x / sum).ToArray();
        ulong[] words = candidates.Select(i => scheme.GValues(context, i)).ToArray();
        for (int l = 0; l < scheme.Options.Depth; l++)
        {
            double zero = 0.0;
            for (int i = 0; i < p.Length; i++)
            {
                zero += ((words[i] >> l) & 1) != 0 ? 0.0 : p[i];
            }

            for (int i = 0; i < p.Length; i++)
            {
                p[i] *= ((words[i] >> l) & 1) != 0 ? 1.0 + zero : zero;
            }
        }

        for (int i = 0; i < candidates.Length; i++)
        {
            result[candidates[i]] = (float)Math.Log(p[i]);
        }

        return result;
    }

    public static IEnumerable<int> Range(int count) => Enumerable.Range(0, count);
}
