using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Benchmarks.Kgw;
using Distill.Fingerprinting;

namespace Distill.Benchmarks.Fingerprinting;

/// <summary>
/// Deterministic inputs of the fingerprinting benchmarks: a scheme with the default parameters, a
/// registry of numbered tenant names, and token streams that carry a tenant's fingerprint.
/// </summary>
internal static class FingerprintInputs
{
    /// <summary>Candidates per step of the stand-in model.</summary>
    private const int Candidates = 256;

    /// <summary>The kgw-fingerprint scheme with its default zero-bit layer and fingerprint options, under the benchmarks' fixed key.</summary>
    public static FingerprintScheme Scheme(int vocabularySize) =>
        FingerprintScheme.Create(BenchmarkInputs.Key(), FingerprintScheme.DefaultZeroBit, FingerprintOptions.Default, vocabularySize);

    /// <summary>The name of the <paramref name="index"/>-th registered tenant.</summary>
    public static string TenantName(int index) => $"tenant-{index:D7}";

    /// <summary>A registry of <paramref name="count"/> tenants named <see cref="TenantName"/>(0 .. count - 1).</summary>
    public static TenantRegistry Registry(int count) => TenantRegistry.FromNames(Enumerable.Range(0, count).Select(TenantName));

    /// <summary>
    /// <paramref name="count"/> tokens generated for <paramref name="tenant"/> by a stand-in model: at
    /// each step <see cref="Candidates"/> uniformly drawn candidate ids with logits from a normal
    /// distribution (mean 0, standard deviation 2), biased by the tenant's session and sampled from
    /// their softmax. The whole vocabulary goes through <see cref="WatermarkSession.ProcessLogits"/>,
    /// as in real inference; only the candidates are sampled, which keeps the set-up cheap.
    /// </summary>
    public static int[] Generate(FingerprintScheme scheme, TenantId tenant, int count, int seed)
    {
        int vocabularySize = scheme.VocabularySize;
        var random = new Random(seed);
        int[] prompt = BenchmarkInputs.Prompt(vocabularySize);
        WatermarkSession session = scheme.CreateSession(tenant, prompt);
        var bias = new float[vocabularySize];
        var candidates = new int[Candidates];
        var weights = new double[Candidates];
        var tokens = new int[count];
        for (int t = 0; t < count; t++)
        {
            Array.Clear(bias);
            session.ProcessLogits(bias);
            double total = 0;
            for (int c = 0; c < Candidates; c++)
            {
                candidates[c] = random.Next(vocabularySize);
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                double logit = 2.0 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                weights[c] = Math.Exp(logit + bias[candidates[c]]);
                total += weights[c];
            }

            double x = random.NextDouble() * total;
            int chosen = Candidates - 1;
            for (int c = 0; c < Candidates - 1; c++)
            {
                x -= weights[c];
                if (x < 0)
                {
                    chosen = c;
                    break;
                }
            }

            tokens[t] = candidates[chosen];
            session.Accept(tokens[t]);
        }

        return tokens;
    }

    /// <summary>
    /// A pooled corpus: <paramref name="colluders"/> tenants (<see cref="TenantName"/> 1 .. colluders)
    /// each contributing <paramref name="documentsEach"/> documents of <paramref name="documentLength"/> tokens, interleaved.
    /// </summary>
    public static List<int[]> PooledCorpus(FingerprintScheme scheme, int colluders, int documentsEach, int documentLength)
    {
        var corpus = new List<int[]>(colluders * documentsEach);
        for (int d = 0; d < documentsEach; d++)
        {
            for (int c = 1; c <= colluders; c++)
            {
                corpus.Add(Generate(scheme, TenantId.FromName(TenantName(c)), documentLength, seed: (1_000 * c) + d));
            }
        }

        return corpus;
    }
}
