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
    /// in float32 (lowest id on ties), one Philox call per four ids. Masked logits (negative infinity)
    /// are never chosen while a finite one exists.
    /// </summary>
    public int ChooseToken((uint S0, uint S1, uint S2, uint S3) state, ReadOnlySpan<float> logits) => ChooseToken(state, logits, legacyMapping: false);

    /// <summary>The watermarked pick under the current mapping or, with <paramref name="legacyMapping"/>, the older single-word one.</summary>
    public int ChooseToken((uint S0, uint S1, uint S2, uint S3) state, ReadOnlySpan<float> logits, bool legacyMapping)
    {
        if (legacyMapping)
        {
            return ChooseTokenLegacy(state, logits);
        }

        int best = -1;
        float bestValue = float.NegativeInfinity;
        for (int group = 0; group * 4 < logits.Length; group++)
        {
            (uint x0, uint x1, uint x2, uint x3) = Philox4x32.Compute((uint)group, state.S0, state.S1, state.S2, _k0 ^ state.S3, _k1 ^ TokenTag);
            for (int j = 0; j < 4; j++)
            {
                int t = (group * 4) + j;
                if (t >= logits.Length)
                {
                    break;
                }

                if (float.IsNegativeInfinity(logits[t]))
                {
                    continue;
                }

                float value = Perturbed(logits[t], j switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 });
                if (best < 0 || value > bestValue)
                {
                    best = t;
                    bestValue = value;
                }
            }
        }

        return best;
    }

    private int ChooseTokenLegacy((uint S0, uint S1, uint S2, uint S3) state, ReadOnlySpan<float> logits)
    {
        int best = -1;
        float bestValue = float.NegativeInfinity;
        for (int t = 0; t < logits.Length; t++)
        {
            if (float.IsNegativeInfinity(logits[t]))
            {
                continue;
            }

            float value = Perturbed(logits[t], LegacyWord(state, (uint)t));
            if (best < 0 || value > bestValue)
            {
                best = t;
                bestValue = value;
            }
        }

        return best;
    }

    /// <summary>A logit plus its Gumbel noise in float32: <c>l + -log(-log(max(u, FLT_MIN)))</c>.</summary>
    private static float Perturbed(float logit, uint word)
    {
        float u = Math.Max(Uniform(word), 1.17549435E-38f); // FLT_MIN
        return logit + -MathF.Log(-MathF.Log(u));
    }

    private static uint Slot(ReadOnlySpan<uint> context, int offset, int i) =>
        offset + i < context.Length ? context[offset + i] : uint.MaxValue - (uint)i;
}
