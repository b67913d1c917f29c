using System;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace Distill.Evaluation;

/// <summary>
/// The per-step logits transforms of a sampling loop (temperature, top-k, top-p) and the final
/// choice (greedy or softmax sampling), allocation-free over caller-provided scratch buffers.
/// </summary>
/// <remarks>
/// Removed tokens are set to negative infinity, as in Hugging Face transformers' logits warpers.
/// Sums are accumulated in double precision in index order, so that a choice depends only on the
/// logits and the uniform draw, not on vector width.
/// </remarks>
internal static class LogitTransforms
{
    /// <summary>Divides every logit by the temperature (a positive number).</summary>
    public static void ApplyTemperature(Span<float> logits, double temperature)
    {
        Debug.Assert(temperature > 0);
        if (temperature != 1)
        {
            TensorPrimitives.Divide(logits, (float)temperature, logits);
        }
    }

    /// <summary>
    /// Keeps the <paramref name="k"/> largest finite logits and sets the others to negative infinity;
    /// logits equal to the k-th largest are all kept, so ties can keep more than k.
    /// </summary>
    /// <returns>The number of finite logits left.</returns>
    public static int ApplyTopK(Span<float> logits, int k, Span<float> scratch)
    {
        Debug.Assert(k > 0 && scratch.Length >= logits.Length);
        int finite = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (!float.IsNegativeInfinity(logits[i]))
            {
                scratch[finite++] = logits[i];
            }
        }

        if (k >= finite)
        {
            return finite;
        }

        float threshold = SelectKthLargest(scratch[..finite], k);
        int kept = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] < threshold)
            {
                logits[i] = float.NegativeInfinity;
            }
            else
            {
                kept++;
            }
        }

        return kept;
    }

    /// <summary>
    /// Nucleus (top-p) truncation (Holtzman et al., "The Curious Case of Neural Text Degeneration",
    /// 2020): keeps the smallest set of most probable tokens whose softmax mass is at least
    /// <paramref name="p"/> and sets the others to negative infinity. Equal probabilities are
    /// ranked by token id, lowest first, so the set is unique.
    /// </summary>
    /// <returns>The number of tokens kept (with a positive softmax weight).</returns>
    public static int ApplyTopP(Span<float> logits, double p, Span<float> scratch, Span<long> keys)
    {
        Debug.Assert(p > 0 && p < 1 && scratch.Length >= logits.Length && keys.Length >= logits.Length);
        Span<float> weights = scratch[..logits.Length];
        int positive = ComputeWeights(logits, weights, out double total);
        if (positive <= 1)
        {
            return positive;
        }

        // A token lighter than (1 - p) / positive of the mass is never needed: all such tokens together
        // weigh less than 1 - p, so the heavier ones already reach p. Halved for rounding.
        double floor = 0.5 * (1 - p) / positive * total;
        int candidates = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (w > 0 && w >= floor)
            {
                // Ascending keys = descending weight (non-negative floats order like their bits), then ascending id.
                keys[candidates++] = ((long)(int.MaxValue - BitConverter.SingleToInt32Bits(w)) << 32) | (uint)i;
            }
        }

        Span<long> ranked = keys[..candidates];
        ranked.Sort();
        double target = p * total;
        double cumulative = 0;
        int keptCount = -1;
        for (int r = 0; r < ranked.Length; r++)
        {
            cumulative += weights[(int)(ranked[r] & 0xFFFFFFFF)];
            if (cumulative >= target)
            {
                keptCount = r + 1;
                break;
            }
        }

        if (keptCount < 0 || keptCount == positive)
        {
            return positive; // rounding left p unreached, or everything is needed: keep all
        }

        long last = ranked[keptCount - 1];
        int lastId = (int)(last & 0xFFFFFFFF);
        float lastWeight = weights[lastId];
        for (int i = 0; i < logits.Length; i++)
        {
            float w = weights[i];
            bool keep = w > lastWeight || (w == lastWeight && w > 0 && i <= lastId);
            if (!keep)
            {
                logits[i] = float.NegativeInfinity;
            }
        }

        return keptCount;
    }

    /// <summary>Applies temperature, then top-k, then top-p, as <paramref name="options"/> asks (the processors that run before a watermark).</summary>
    public static void Truncate(Span<float> logits, SamplingOptions options, Span<float> scratch, Span<long> keys)
    {
        if (options.Temperature > 0)
        {
            ApplyTemperature(logits, options.Temperature);
        }

        if (options.TopK > 0)
        {
            ApplyTopK(logits, options.TopK, scratch);
        }

        if (options.TopP < 1)
        {
            ApplyTopP(logits, options.TopP, scratch, keys);
        }
    }

    /// <summary>Picks the next token: the argmax at temperature 0, else a softmax sample.</summary>
    /// <exception cref="InvalidOperationException">Every logit is negative infinity.</exception>
    public static int Choose(ReadOnlySpan<float> logits, SamplingOptions options, ref Xoshiro256StarStar random, Span<float> scratch)
    {
        int chosen = options.Temperature == 0
            ? ArgMax(logits)
            : Sample(logits, random.NextDouble(), scratch);
        return chosen >= 0
            ? chosen
            : throw new InvalidOperationException("Every token's logit is negative infinity; nothing can be sampled.");
    }

    /// <summary>
    /// Returns the Shannon entropy, in nats, of softmax(<paramref name="logits"/>): the distribution a
    /// sampler draws from after temperature and truncation (negative-infinity logits weigh 0); 0 when
    /// at most one token is left, NaN when none is.
    /// </summary>
    /// <remarks>H = log Z - sum(w_i (l_i - max)) / Z with w_i = exp(l_i - max) and Z = sum(w_i), in double precision.</remarks>
    public static double Entropy(ReadOnlySpan<float> logits, Span<float> scratch)
    {
        Debug.Assert(scratch.Length >= logits.Length);
        Span<float> weights = scratch[..logits.Length];
        if (ComputeWeights(logits, weights, out double total) == 0)
        {
            return double.NaN;
        }

        float max = TensorPrimitives.Max(logits);
        double weighted = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (w > 0)
            {
                weighted += w * ((double)logits[i] - max);
            }
        }

        return Math.Max(0, Math.Log(total) - (weighted / total));
    }

    /// <summary>Throws when a prompt token is outside the vocabulary.</summary>
    public static void ValidatePrompt(ReadOnlySpan<int> prompt, int vocabularySize, string paramName)
    {
        foreach (int token in prompt)
        {
            if (token < 0 || token >= vocabularySize)
            {
                throw new ArgumentOutOfRangeException(paramName, token, $"Token id {token} is outside the vocabulary (0 to {vocabularySize - 1}).");
            }
        }
    }

    /// <summary>Returns the index of the largest logit (the lowest index among equals), or -1 if every logit is negative infinity.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = -1;
        float max = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] > max)
            {
                max = logits[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Samples an index from softmax(<paramref name="logits"/>) by inverting the cumulative
    /// distribution at <paramref name="uniform"/> in [0, 1); -1 if every logit is negative infinity.
    /// </summary>
    public static int Sample(ReadOnlySpan<float> logits, double uniform, Span<float> scratch)
    {
        Debug.Assert(uniform >= 0 && uniform < 1 && scratch.Length >= logits.Length);
        Span<float> weights = scratch[..logits.Length];
        if (ComputeWeights(logits, weights, out double total) == 0)
        {
            return -1;
        }

        double target = uniform * total;
        double cumulative = 0;
        int lastPositive = -1;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (w > 0)
            {
                cumulative += w;
                lastPositive = i;
                if (cumulative > target)
                {
                    return i;
                }
            }
        }

        return lastPositive;
    }

    /// <summary>Returns the k-th largest value (k from 1 to the length); reorders <paramref name="values"/>.</summary>
    public static float SelectKthLargest(Span<float> values, int k)
    {
        Debug.Assert(k >= 1 && k <= values.Length);
        int target = k - 1;
        int lo = 0;
        int hi = values.Length - 1;
        while (lo < hi)
        {
            float pivot = MedianOfThree(values[lo], values[lo + ((hi - lo) / 2)], values[hi]);

            // Three-way partition, descending: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot.
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i <= gt)
            {
                float v = values[i];
                if (v > pivot)
                {
                    (values[lt], values[i]) = (values[i], values[lt]);
                    lt++;
                    i++;
                }
                else if (v < pivot)
                {
                    (values[gt], values[i]) = (values[i], values[gt]);
                    gt--;
                }
                else
                {
                    i++;
                }
            }

            if (target < lt)
            {
                hi = lt - 1;
            }
            else if (target > gt)
            {
                lo = gt + 1;
            }
            else
            {
                return pivot;
            }
        }

        return values[lo];
    }

    // weights[i] = exp(logits[i] - max): 0 for negative infinity. Returns the number of positive
    // weights and their double-precision sum, accumulated in index order.
    private static int ComputeWeights(ReadOnlySpan<float> logits, Span<float> weights, out double total)
    {
        float max = TensorPrimitives.Max(logits);
        total = 0;
        if (float.IsNegativeInfinity(max))
        {
            weights.Clear();
            return 0;
        }

        TensorPrimitives.Subtract(logits, max, weights);
        TensorPrimitives.Exp(weights, weights);
        int positive = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (w > 0)
            {
                total += w;
                positive++;
            }
        }

        return positive;
    }

    private static float MedianOfThree(float a, float b, float c)
    {
        if (a > b)
        {
            (a, b) = (b, a);
        }

        if (b > c)
        {
            b = c;
        }

        return Math.Max(a, b);
    }
}
