using System.Runtime.CompilerServices;

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
}
