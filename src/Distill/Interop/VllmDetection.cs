using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// vLLM's Gumbel-max detection, reproduced: each generated token is scored -ln(1 - u) under the
/// previous W generated tokens (-1 padding), only at the first occurrence of its context tuple when
/// deduplicating; the p-value is the Gamma tail. The dual-key variant fuses the scores of keys A and
/// B (derived from the master key by SHA-256) with weight alpha. For the compatibility profiles.
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

    /// <summary>
    /// Scores generated tokens. <paramref name="scores"/> receives each token's score (NaN where not
    /// scored); returns the sum and the number scored. With <paramref name="alpha"/> &gt; 0 the score is
    /// (1 - alpha) s_A + alpha s_B with keys A and B derived from <paramref name="key"/>.
    /// </summary>
    public static (double Sum, int Scored) Score(ReadOnlySpan<uint> tokens, ulong key, int contextWidth, bool deduplicate, double alpha, Span<double> scores)
    {
        bool dual = alpha > 0;
        var prfA = new VllmPrf(dual ? DeriveKey(key, "key_a") : key, contextWidth);
        var prfB = new VllmPrf(dual ? DeriveKey(key, "key_b") : key, contextWidth);
        var seen = new ContextTupleSet();
        long[] context = new long[contextWidth];
        double sum = 0;
        int scored = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            for (int j = 0; j < contextWidth; j++)
            {
                int at = i - contextWidth + j;
                context[j] = at < 0 ? -1 : tokens[at];
            }

            if (deduplicate && !seen.Add(context))
            {
                scores[i] = double.NaN;
                continue;
            }

            double s = VllmPrf.Score(VllmPrf.Uniform(prfA.Word(prfA.Absorb(context), tokens[i])));
            if (dual)
            {
                double b = VllmPrf.Score(VllmPrf.Uniform(prfB.Word(prfB.Absorb(context), tokens[i])));
                s = ((1 - alpha) * s) + (alpha * b);
            }

            scores[i] = s;
            sum += s;
            scored++;
        }

        return (sum, scored);
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
