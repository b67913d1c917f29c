using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Distill.Interop;

/// <summary>
/// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
/// SC 2011; the Random123 reference): a counter-based function of a 128-bit counter and a 64-bit key.
/// For the compatibility profiles (vLLM's Gumbel-max PRF); never used by Distill's own schemes.
/// </summary>
internal static class Philox4x32
{
    private const uint Multiplier0 = 0xD2511F53;
    private const uint Multiplier1 = 0xCD9E8D57;
    private const uint Weyl0 = 0x9E3779B9;
    private const uint Weyl1 = 0xBB67AE85;

    /// <summary>Computes the 10-round output for one counter and key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Compute(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        unchecked
        {
            for (int round = 0; round < 10; round++)
            {
                ulong p0 = (ulong)Multiplier0 * c0;
                ulong p1 = (ulong)Multiplier1 * c2;
                (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
                k0 += Weyl0;
                k1 += Weyl1;
            }

            return (c0, c1, c2, c3);
        }
    }

    /// <summary>Gets whether <see cref="ComputeSixteen"/> runs vectorized (AVX2); it is exact either way.</summary>
    public static bool IsVectorized => Avx2.IsSupported;

    /// <summary>
    /// The outputs for the sixteen counters (c0 + i, c1, c2, c3), i = 0..15, under one key, written to
    /// <paramref name="destination"/> as 64 words: counter i's X0..X3 at 4i..4i+3. Bit for bit the
    /// same as sixteen <see cref="Compute"/> calls; with AVX2, four vectors of four lanes run
    /// interleaved so that the multiplications' latencies overlap.
    /// </summary>
    public static void ComputeSixteen(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, Span<uint> destination)
    {
        destination = destination[..64];
        if (!Avx2.IsSupported)
        {
            for (uint i = 0; i < 16; i++)
            {
                (uint x0, uint x1, uint x2, uint x3) = Compute(unchecked(c0 + i), c1, c2, c3, k0, k1);
                destination[(int)(4 * i)] = x0;
                destination[(int)(4 * i) + 1] = x1;
                destination[(int)(4 * i) + 2] = x2;
                destination[(int)(4 * i) + 3] = x3;
            }

            return;
        }

        unchecked
        {
            // Each 64-bit lane holds one 32-bit value (high half zero), so vpmuludq gives the full product.
            var low = Vector256.Create(0xFFFFFFFFUL);
            var m0 = Vector256.Create((ulong)Multiplier0).AsUInt32();
            var m1 = Vector256.Create((ulong)Multiplier1).AsUInt32();
            var lanes = Vector256.Create(0UL, 1, 2, 3);
            Vector256<ulong> b1 = Vector256.Create((ulong)c1), b2 = Vector256.Create((ulong)c2), b3 = Vector256.Create((ulong)c3);
            Vector256<ulong> a0 = (Vector256.Create((ulong)c0) + lanes) & low, e0 = (Vector256.Create((ulong)(c0 + 4)) + lanes) & low;
            Vector256<ulong> f0 = (Vector256.Create((ulong)(c0 + 8)) + lanes) & low, g0 = (Vector256.Create((ulong)(c0 + 12)) + lanes) & low;
            Vector256<ulong> a1 = b1, a2 = b2, a3 = b3, e1 = b1, e2 = b2, e3 = b3, f1 = b1, f2 = b2, f3 = b3, g1 = b1, g2 = b2, g3 = b3;
            for (int round = 0; round < 10; round++)
            {
                Vector256<ulong> key0 = Vector256.Create((ulong)k0), key1 = Vector256.Create((ulong)k1);
                Round(ref a0, ref a1, ref a2, ref a3, m0, m1, key0, key1, low);
                Round(ref e0, ref e1, ref e2, ref e3, m0, m1, key0, key1, low);
                Round(ref f0, ref f1, ref f2, ref f3, m0, m1, key0, key1, low);
                Round(ref g0, ref g1, ref g2, ref g3, m0, m1, key0, key1, low);
                k0 += Weyl0;
                k1 += Weyl1;
            }

            Store(a0, a1, a2, a3, destination);
            Store(e0, e1, e2, e3, destination[16..]);
            Store(f0, f1, f2, f3, destination[32..]);
            Store(g0, g1, g2, g3, destination[48..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector256<ulong> x0, ref Vector256<ulong> x1, ref Vector256<ulong> x2, ref Vector256<ulong> x3, Vector256<uint> m0, Vector256<uint> m1, Vector256<ulong> key0, Vector256<ulong> key1, Vector256<ulong> low)
    {
        Vector256<ulong> p0 = Avx2.Multiply(x0.AsUInt32(), m0);
        Vector256<ulong> p1 = Avx2.Multiply(x2.AsUInt32(), m1);
        x0 = (p1 >>> 32) ^ x1 ^ key0;
        x1 = p1 & low;
        x2 = (p0 >>> 32) ^ x3 ^ key1;
        x3 = p0 & low;
    }

    /// <summary>Writes four counters' outputs (lane i of each vector) as counter i's X0..X3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<ulong> x0, Vector256<ulong> x1, Vector256<ulong> x2, Vector256<ulong> x3, Span<uint> destination)
    {
        // (x0, x1) interleaved per lane: the low halves of x0 and x1 << 32 give [x0_i, x1_i] as one 64-bit word.
        Vector256<ulong> first = x0 | (x1 << 32), second = x2 | (x3 << 32);
        for (int i = 0; i < 4; i++)
        {
            ulong w01 = first.GetElement(i), w23 = second.GetElement(i);
            destination[4 * i] = unchecked((uint)w01);
            destination[(4 * i) + 1] = (uint)(w01 >> 32);
            destination[(4 * i) + 2] = unchecked((uint)w23);
            destination[(4 * i) + 3] = (uint)(w23 >> 32);
        }
    }
}
