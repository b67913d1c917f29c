using System;
using System.Runtime.CompilerServices;
using Distill.Prf;

namespace Distill.Gumbel;

/// <summary>
/// The keyed functions of the Gumbel-max scheme, version 1, specified bit for bit in
/// <c>docs/schemes/gumbel.md</c>: a context seed (the LeftHash fold of PRF version 1 under the
/// sub-key <c>scheme/gumbel/v1</c>), a per-variant step seed, and one 64-bit word per
/// (step seed, token id), turned into the uniform r = (2 floor(w / 2^12) + 1) / 2^53 and its
/// complement q = 1 - r = (2 floor(~w / 2^12) + 1) / 2^53, both exact doubles in (0, 1).
/// </summary>
internal readonly struct GumbelPrf
{
    /// <summary>The SplitMix64 increment (the golden ratio times 2^64), which spreads token ids over the words.</summary>
    internal const ulong TokenStride = 0x9E3779B97F4A7C15UL;

    /// <summary>2^-53, the scale of r and q.</summary>
    internal const double Scale = 1.0 / 9007199254740992.0;

    private readonly PrfV1 _prf;
    private readonly ulong _k2;
    private readonly ulong _k3;

    internal GumbelPrf(WatermarkKey subKey)
    {
        _prf = PrfV1.FromKey(subKey);
        subKey.GetWords(out _, out _, out _k2, out _k3);
    }

    /// <summary>Gets the PRF version 1 functions under the scheme's sub-key (its token hashes).</summary>
    internal PrfV1 Base => _prf;

    /// <summary>TokenHash of PRF version 1 under the scheme's sub-key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong TokenHash(int token) => _prf.TokenHash(token);

    /// <summary>The start of the context fold: k2.</summary>
    internal ulong ContextStart => _k2;

    /// <summary>ContextSeed(c_1 .. c_h): s = k2, then s = Mix64(s XOR TokenHash(c)) for each context token, oldest first.</summary>
    internal ulong ContextSeed(ReadOnlySpan<ulong> tokenHashes)
    {
        ulong s = _k2;
        foreach (ulong h in tokenHashes)
        {
            s = PrfV1.LeftSeedStep(s, h);
        }

        return s;
    }

    /// <summary>VariantWord(v) = Mix64(k3 + v).</summary>
    internal ulong VariantWord(int variant) => PrfV1.Mix64(unchecked(_k3 + (ulong)variant));

    /// <summary>StepSeed(context seed, v) = Mix64(context seed XOR VariantWord(v)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong StepSeed(ulong contextSeed, ulong variantWord) => PrfV1.Mix64(contextSeed ^ variantWord);

    /// <summary>Word(seed, t) = Mix64(seed + t * 0x9E3779B97F4A7C15): the SplitMix64 output at index t of the stream that starts at the seed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Word(ulong seed, int token) => PrfV1.Mix64(unchecked(seed + ((ulong)(uint)token * TokenStride)));

    /// <summary>The uniform r = (2 floor(w / 2^12) + 1) * 2^-53 of a word: exact, in [2^-53, 1 - 2^-53].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Uniform(ulong word) => (double)(((word >> 12) << 1) | 1UL) * Scale;

    /// <summary>The complement q = 1 - r = (2 floor(~w / 2^12) + 1) * 2^-53 of a word: exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Complement(ulong word) => (double)((((~word) >> 12) << 1) | 1UL) * Scale;

    /// <summary>The detection value of a token: -ln(1 - r), Exp(1) under the null hypothesis.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double TokenValue(ulong stepSeed, int token) => -Math.Log(Complement(Word(stepSeed, token)));
}
