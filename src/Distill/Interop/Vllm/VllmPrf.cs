using System;

namespace Distill.Interop;

/// <summary>
/// vLLM's Gumbel-max pseudo-random function (<c>philox4x32-10-v1</c>): the context absorbed into a
/// 128-bit state by Philox calls, then one Philox call per four consecutive token ids, a 24-bit
/// mantissa and a float32 uniform. For the compatibility profiles; never used by Distill's own schemes.
/// </summary>
internal readonly struct VllmPrf
{
    private const uint StateTag = 0x574D4358;   // "WMCX"
    private const uint TokenTag = 0x574D544B;   // "WMTK"

    private readonly uint _k0;
    private readonly uint _k1;

    public VllmPrf(ulong key, int contextWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextWidth);
        _k0 = unchecked((uint)key);
        _k1 = (uint)(key >> 32);
        ContextWidth = contextWidth;
    }

    public int ContextWidth { get; }

    /// <summary>The state after absorbing <paramref name="context"/> (oldest first, -1 padding read as 0xFFFFFFFF, ids masked to 32 bits).</summary>
    public (uint S0, uint S1, uint S2, uint S3) Absorb(ReadOnlySpan<long> context)
    {
        Span<uint> masked = context.Length <= 64 ? stackalloc uint[context.Length] : new uint[context.Length];
        for (int i = 0; i < context.Length; i++)
        {
            masked[i] = unchecked((uint)context[i]);
        }

        return Absorb((ReadOnlySpan<uint>)masked);
    }

    /// <summary>The state after absorbing <paramref name="context"/>: 32-bit ids, oldest first, 0xFFFFFFFF for the padding before the first generated token.</summary>
    public (uint S0, uint S1, uint S2, uint S3) Absorb(ReadOnlySpan<uint> context)
    {
        unchecked
        {
            (uint s0, uint s1, uint s2, uint s3) = (StateTag, (uint)ContextWidth, 0u, 0u);
            for (int offset = 0; offset < context.Length; offset += 4)
            {
                uint b0 = Slot(context, offset, 0), b1 = Slot(context, offset, 1), b2 = Slot(context, offset, 2), b3 = Slot(context, offset, 3);
                (s0, s1, s2, s3) = Philox4x32.Compute(s0 ^ b0, s1 ^ b1, s2 ^ b2, s3 ^ b3, _k0 ^ (uint)offset, _k1);
            }

            return (s0, s1, s2, s3);
        }
    }

    /// <summary>The 32-bit word of token <paramref name="token"/> under the absorbed state (the current, grouped mapping).</summary>
    public uint Word((uint S0, uint S1, uint S2, uint S3) state, uint token)
    {
        (uint x0, uint x1, uint x2, uint x3) = Philox4x32.Compute(token >> 2, state.S0, state.S1, state.S2, _k0 ^ state.S3, _k1 ^ TokenTag);
        return (token & 3) switch
        {
            0 => x0,
            1 => x1,
            2 => x2,
            _ => x3,
        };
    }

    /// <summary>The older single-word mapping (counter (t, s0, s1, s2), word 0), kept as a named legacy option.</summary>
    public uint LegacyWord((uint S0, uint S1, uint S2, uint S3) state, uint token) =>
        Philox4x32.Compute(token, state.S0, state.S1, state.S2, _k0 ^ state.S3, _k1 ^ TokenTag).X0;

    /// <summary>The uniform of a word: (float)((m + 1) / (2^24 + 1)) with m = word >> 8, computed in double.</summary>
    public static float Uniform(uint word) => (float)(((word >> 8) + 1.0) / 16777217.0);

    /// <summary>The detection score of a uniform: -ln(1 - u) = -log1p(-u) in double.</summary>
    public static double Score(float uniform) => -double.LogP1(-(double)uniform);

    /// <summary>
    /// vLLM's watermarked pick: argmax over t of <c>logits[t] + (float)(-log(-log(max(u_t, FLT_MIN))))</c>
    /// in float32 (lowest id on ties), one Philox call per four ids, under the current mapping or, with
    /// <paramref name="legacyMapping"/>, the older single-word one; <paramref name="words"/> (at least
    /// the logits' length) is scratch. Masked logits (negative infinity) are never chosen while a finite
    /// one exists; -1 when every logit is masked.
    /// </summary>
    /// <remarks>
    /// Exactly the argmax above, computed in two passes so that most ids cost no logarithm: the first
    /// draws every unmasked id's word (skipping groups of four masked ids) and bounds its value from
    /// above by <c>logit + Bound[word &gt;&gt; 20]</c>, the noise of the largest mantissa of its 4,096-wide
    /// bucket plus a margin (the noise is non-decreasing in the mantissa); the second computes the
    /// exact value only for ids whose bound reaches the best value found so far, starting from the id
    /// with the highest bound. The float32 logarithm is <see cref="TorchFloat32.Log"/> (SLEEF's, as
    /// torch's CPU kernels compute it), so the pick is the same on every machine.
    /// </remarks>
    public int ChooseToken((uint S0, uint S1, uint S2, uint S3) state, ReadOnlySpan<float> logits, bool legacyMapping, Span<uint> words)
    {
        words = words[..logits.Length];
        int top = -1;
        float topBound = float.NegativeInfinity;
        int blocks = legacyMapping ? 0 : logits.Length / 64;
        for (int block = 0; block < blocks; block++)
        {
            // Sixteen groups of four ids at once; a block of 64 masked ids needs no words.
            int first = block * 64;
            if (AllMasked(logits.Slice(first, 64)))
            {
                continue;
            }

            Philox4x32.ComputeSixteen((uint)(block * 16), state.S0, state.S1, state.S2, _k0 ^ state.S3, _k1 ^ TokenTag, words.Slice(first, 64));
            Bound(logits, words, first, 64, ref top, ref topBound);
        }

        for (int group = blocks * 16; group * 4 < logits.Length; group++)
        {
            int first = group * 4;
            int count = Math.Min(4, logits.Length - first);
            if (AllMasked(logits.Slice(first, count)))
            {
                continue;
            }

            if (legacyMapping)
            {
                for (int j = 0; j < count; j++)
                {
                    words[first + j] = LegacyWord(state, (uint)(first + j));
                }
            }
            else
            {
                (uint x0, uint x1, uint x2, uint x3) = Philox4x32.Compute((uint)group, state.S0, state.S1, state.S2, _k0 ^ state.S3, _k1 ^ TokenTag);
                Span<uint> slots = words.Slice(first, count);
                slots[0] = x0;
                if (count > 1)
                {
                    slots[1] = x1;
                }

                if (count > 2)
                {
                    slots[2] = x2;
                }

                if (count > 3)
                {
                    slots[3] = x3;
                }
            }

            Bound(logits, words, first, count, ref top, ref topBound);
        }

        if (top < 0)
        {
            return -1;
        }

        int best = top;
        float bestValue = Perturbed(logits[top], words[top]);
        for (int t = 0; t < logits.Length; t++)
        {
            if ((t & 63) == 0 && t + 64 <= logits.Length && AllMasked(logits.Slice(t, 64)))
            {
                t += 63;
                continue;
            }

            float logit = logits[t];
            if (float.IsNegativeInfinity(logit) || logit + s_bounds[words[t] >> 20] < bestValue)
            {
                continue;
            }

            float value = Perturbed(logit, words[t]);
            if (value > bestValue || (value == bestValue && t < best))
            {
                best = t;
                bestValue = value;
            }
        }

        return best;
    }

    /// <summary>Updates the id with the highest upper bound over ids [first, first + count).</summary>
    private static void Bound(ReadOnlySpan<float> logits, ReadOnlySpan<uint> words, int first, int count, ref int top, ref float topBound)
    {
        for (int t = first; t < first + count; t++)
        {
            float bound = logits[t] + s_bounds[words[t] >> 20];
            if (!float.IsNegativeInfinity(logits[t]) && (top < 0 || bound > topBound))
            {
                top = t;
                topBound = bound;
            }
        }
    }

    /// <summary>Whether every logit of a group is negative infinity (its words are not needed).</summary>
    private static bool AllMasked(ReadOnlySpan<float> group) => !group.ContainsAnyExcept(float.NegativeInfinity);

    /// <summary>
    /// For each bucket of the 24-bit mantissa's top 12 bits, an upper bound of the noise of any word in
    /// it: the noise of its largest mantissa plus 1e-5 of its magnitude and 1e-6 (far above the ulp-level
    /// non-monotonicity a faithfully rounded logarithm may have).
    /// </summary>
    private static readonly float[] s_bounds = BuildBounds();

    private static float[] BuildBounds()
    {
        var bounds = new float[4096];
        for (uint bucket = 0; bucket < bounds.Length; bucket++)
        {
            uint largest = (bucket << 20) | 0xFFFFF;
            float noise = Perturbed(0f, largest);
            bounds[bucket] = noise + (1e-5f * MathF.Abs(noise)) + 1e-6f;
        }

        return bounds;
    }

    /// <summary>A logit plus its Gumbel noise in float32: <c>l + -log(-log(max(u, FLT_MIN)))</c>.</summary>
    private static float Perturbed(float logit, uint word)
    {
        float u = Math.Max(Uniform(word), 1.17549435E-38f); // FLT_MIN
        return logit + -TorchFloat32.Log(-TorchFloat32.Log(u));
    }

    private static uint Slot(ReadOnlySpan<uint> context, int offset, int i) =>
        offset + i < context.Length ? context[offset + i] : uint.MaxValue - (uint)i;
}
