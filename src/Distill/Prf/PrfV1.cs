using System.Runtime.CompilerServices;

namespace Distill.Prf;

/// <summary>
/// Version 1 of Distill's pseudo-random function family, specified bit for bit in
/// <c>docs/prf.md</c> (with known-answer vectors) so that any language can reproduce it.
/// </summary>
/// <remarks>
/// Keyed with the four 64-bit words of a scheme sub-key (256 secret bits). All arithmetic wraps
/// modulo 2^64 or 2^32. No platform random number generator is involved anywhere.
/// </remarks>
internal readonly struct PrfV1
{
    internal const int Version = 1;

    private const ulong Mix1 = 0xBF58476D1CE4E5B9UL;
    private const ulong Mix2 = 0x94D049BB133111EBUL;

    /// <summary>The first multiplier of the 32-bit green mixer.</summary>
    internal const uint GreenMul1 = 0x21F0AAADU;

    /// <summary>The second multiplier of the 32-bit green mixer.</summary>
    internal const uint GreenMul2 = 0x735A2D97U;

    private readonly ulong _k0;
    private readonly ulong _k1;
    private readonly ulong _k2;
    private readonly ulong _k3;

    internal PrfV1(ulong k0, ulong k1, ulong k2, ulong k3)
    {
        _k0 = k0;
        _k1 = k1;
        _k2 = k2;
        _k3 = k3;
    }

    internal static PrfV1 FromKey(WatermarkKey subKey)
    {
        subKey.GetWords(out ulong k0, out ulong k1, out ulong k2, out ulong k3);
        return new PrfV1(k0, k1, k2, k3);
    }

    /// <summary>The SplitMix64 finalizer (Steele, Lea and Flood 2014), a bijection of 64-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix64(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * Mix1;
            z = (z ^ (z >> 27)) * Mix2;
            return z ^ (z >> 31);
        }
    }

    /// <summary>TokenHash(t) = Mix64(Mix64(t XOR k0) XOR k1), with t the token id as an unsigned 32-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong TokenHash(int token) => Mix64(Mix64((uint)token ^ _k0) ^ _k1);

    /// <summary>The LeftHash seed: s = k2, then s = Mix64(s XOR TokenHash(c)) for each context token c, oldest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong LeftSeedStart() => _k2;

    /// <summary>The key word XORed into the SelfHash minimum before the final mix (for the specialized detection loops).</summary>
    internal ulong SelfSeedKey => _k3;

    /// <summary>One step of the LeftHash seed's fold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong LeftSeedStep(ulong state, ulong tokenHash) => Mix64(state ^ tokenHash);

    /// <summary>
    /// The SelfHash seed from the token hashes of the window (the previous tokens and the candidate):
    /// a = TokenHash(candidate) OR 1; m = the unsigned minimum of TokenHash(w) * a over the window;
    /// seed = Mix64(m XOR k3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong SelfSeed(System.ReadOnlySpan<ulong> previousHashes, ulong candidateHash)
    {
        unchecked
        {
            ulong a = candidateHash | 1UL;
            ulong m = candidateHash * a;
            foreach (ulong h in previousHashes)
            {
                ulong v = h * a;
                if (v < m)
                {
                    m = v;
                }
            }

            return Mix64(m ^ _k3);
        }
    }

    /// <summary>
    /// The 32-bit green value of a token under a seed: x = t XOR lo(seed); x ^= x &gt;&gt; 16;
    /// x *= 0x21F0AAAD; x ^= x &gt;&gt; 15; x ^= hi(seed); x *= 0x735A2D97; x ^= x &gt;&gt; 15.
    /// The token is green when x is below the scheme's threshold floor(gamma * 2^32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint GreenValue(ulong seed, int token)
    {
        unchecked
        {
            uint x = (uint)token ^ (uint)seed;
            x ^= x >> 16;
            x *= GreenMul1;
            x ^= x >> 15;
            x ^= (uint)(seed >> 32);
            x *= GreenMul2;
            x ^= x >> 15;
            return x;
        }
    }
}
