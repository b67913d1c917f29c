using System.Runtime.CompilerServices;
using Distill.Prf;

namespace Distill.SynthId;

/// <summary>
/// The keyed functions of SynthID-Text version 1 (specified bit for bit in <c>docs/schemes/synthid.md</c>):
/// token hashes and the context seed from PRF version 1, and one 64-bit g-word per (context seed,
/// candidate) whose bit l is the g-value of tournament layer l.
/// </summary>
internal readonly struct SynthIdPrf
{
    private readonly PrfV1 _prf;
    private readonly ulong _k2;
    private readonly ulong _k3;

    internal SynthIdPrf(WatermarkKey subKey)
    {
        _prf = PrfV1.FromKey(subKey);
        _k2 = _prf.LeftSeedStart();
        _k3 = _prf.SelfSeedKey;
    }

    /// <summary>Gets the PRF version 1 functions under the scheme's sub-key (its token hashes).</summary>
    internal PrfV1 Base => _prf;

    /// <summary>TokenHash(t) = Mix64(Mix64(t XOR k0) XOR k1) (PRF version 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong TokenHash(int token) => _prf.TokenHash(token);

    /// <summary>The start of the context seed's fold: k2.</summary>
    internal ulong SeedStart => _k2;

    /// <summary>One step of the context seed's fold: s = Mix64(s XOR TokenHash(c)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SeedStep(ulong state, ulong tokenHash) => PrfV1.Mix64(state ^ tokenHash);

    /// <summary>The context seed of the token hashes of the context, oldest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong ContextSeed(System.ReadOnlySpan<ulong> contextHashes)
    {
        ulong s = _k2;
        foreach (ulong h in contextHashes)
        {
            s = PrfV1.Mix64(s ^ h);
        }

        return s;
    }

    /// <summary>GWord(s, t) = Mix64(Mix64(s XOR TokenHash(t)) XOR k3); bit l (from the least significant) is layer l's g-value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong GWord(ulong seed, ulong tokenHash) => PrfV1.Mix64(PrfV1.Mix64(seed ^ tokenHash) ^ _k3);
}
