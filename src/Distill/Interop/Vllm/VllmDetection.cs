using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// The parts of vLLM's Gumbel-max detection that are not the scoring walk (which is
/// <see cref="VllmGumbelScheme"/>'s): the dual-key sub-keys (SHA-256 of the master key) and vLLM's
/// p-value, the Gamma tail (moment-matched for the dual key). For the compatibility profiles.
/// </summary>
internal static class VllmDetection
{
    /// <summary>vLLM's dual-key sub-keys: the big-endian first 8 bytes of SHA-256(domain || key as 8 big-endian bytes).</summary>
    public static ulong DeriveKey(ulong key, string domain)
    {
        byte[] input = new byte[domain.Length + 8];
        Encoding.ASCII.GetBytes(domain, input);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(domain.Length), key);
        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(input));
    }

    /// <summary>log10 of the p-value: P[Gamma(n / v, 1) &gt;= S / v] with v = (1 - alpha)^2 + alpha^2 (v = 1 for one key).</summary>
    public static double Log10PValue(double sum, int scored, double alpha)
    {
        if (scored == 0 || sum <= 0)
        {
            return 0;
        }

        double variance = ((1 - alpha) * (1 - alpha)) + (alpha * alpha);
        return GammaDistribution.Log10UpperTail(scored / variance, sum / variance);
    }
}
