using System;
using System.Numerics.Tensors;

namespace Distill.Benchmarks.SynthId;

/// <summary>
/// Plain softmax sampling, vectorized: the caller's sampler that the SynthID step feeds, and the floor
/// it is measured beside (the maximum, exp(l - max) and their sum with <see cref="TensorPrimitives"/>,
/// then an inverse-CDF scan).
/// </summary>
internal static class SoftmaxSampler
{
    /// <summary>Draws a token from softmax(logits) with the uniform <paramref name="u"/> in [0, 1).</summary>
    /// <param name="logits">The logits (negative infinity has probability 0).</param>
    /// <param name="scratch">A buffer at least as long as <paramref name="logits"/>.</param>
    /// <param name="u">The uniform draw.</param>
    /// <returns>The token id.</returns>
    public static int Sample(ReadOnlySpan<float> logits, Span<float> scratch, double u)
    {
        Span<float> e = scratch[..logits.Length];
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, e);
        TensorPrimitives.Exp(e, e);
        float target = (float)(u * TensorPrimitives.Sum(e));
        int last = 0;
        for (int i = 0; i < e.Length; i++)
        {
            float p = e[i];
            if (p > 0f)
            {
                last = i;
                target -= p;
                if (target < 0f)
                {
                    return i;
                }
            }
        }

        return last;
    }
}
