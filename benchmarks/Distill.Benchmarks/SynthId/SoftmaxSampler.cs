using System;
using System.Numerics.Tensors;

namespace Distill.Benchmarks.SynthId;

/// <summary>Plain softmax sampling: the caller's sampler that the SynthID step feeds, and the floor it is measured beside.</summary>
internal static class SoftmaxSampler
{
    /// <summary>Draws a token from softmax(logits) with the uniform <paramref name="u"/> in [0, 1).</summary>
    public static int Sample(ReadOnlySpan<float> logits, double u)
    {
        float max = TensorPrimitives.Max(logits);
        double total = 0.0;
        foreach (float v in logits)
        {
            total += MathF.Exp(v - max);
        }

        double target = u * total;
        int last = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float e = MathF.Exp(logits[i] - max);
            if (e > 0f)
            {
                last = i;
                target -= e;
                if (target < 0)
                {
                    return i;
                }
            }
        }

        return last;
    }
}
