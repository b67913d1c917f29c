using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace Distill.Fingerprinting;

/// <summary>The decoding and scoring behind <see cref="FingerprintScheme.TraceEvidence"/> and <see cref="FingerprintScheme.TracePooled"/>.</summary>
internal static class FingerprintTracer
{
    /// <summary>The code space without a registry: every 64-bit tenant number.</summary>
    private const double CodeSpace = 18446744073709551616.0;

    /// <summary>List decoding without a registry tries at most 2^12 words (each scored against the Tardos positions too).</summary>
    private const int OpenListBits = 12;

    /// <summary>The candidates (best by matching count) whose p-value is computed exactly.</summary>
    private const int ExactCandidates = 8;

    public static TraceResult Trace(FingerprintScheme scheme, FingerprintEvidence evidence, TenantRegistry? registry, TraceOptions options)
    {
        TenantCode code = scheme.Code;
        var covered = new CoveredPositions(code, evidence.RawCounts);
        PositionEstimate[] identity = EstimateIdentity(evidence.RawCounts, out ulong decoded);

        // The least certain identity bits, which list decoding may flip.
        int[] order = [.. Enumerable.Range(0, FingerprintOptions.IdentityBits).OrderBy(i => Margin(identity[i])).ThenBy(i => i)];
        int bits = Math.Min(options.ListDecodingBits, registry is null ? OpenListBits : FingerprintOptions.IdentityBits);
        var candidates = new Dictionary<ulong, long>();
        RegistryIndex? index = registry is null ? null : scheme.Index(registry);
        ulong word = decoded;
        for (long step = 0; step < 1L << bits; step++)
        {
            if (step > 0)
            {
                // Gray code: consecutive words differ in one bit.
                word ^= 1UL << order[BitOperations.TrailingZeroCount((ulong)step)];
            }

            if (index is null || index.MayContain(word))
            {
                TenantId tenant = code.TenantOf(word);
                if (registry is null || registry.Contains(tenant))
                {
                    candidates.TryAdd(tenant.Value, covered.Matching(tenant));
                }
            }
        }

        if (index is not null && (candidates.Count == 0 || !AnySignificant(candidates, covered, registry!.Count, options.Alpha)))
        {
            // List decoding found nobody confident. First the tenants that share at least one whole
            // byte with the decoded word (8 buckets of about M / 256), then, if still nobody, every
            // registered word (8 table lookups a tenant, no key derivation).
            int[] table = ByteTable(identity);
            int[] sharing = index.SharingAByte(decoded);
            foreach ((TenantId tenant, long _) in BestMatches(index.Words, registry!, table, sharing))
            {
                candidates.TryAdd(tenant.Value, covered.Matching(tenant));
            }

            if (!AnySignificant(candidates, covered, registry!.Count, options.Alpha))
            {
                foreach ((TenantId tenant, long _) in BestMatches(index.Words, registry!, table, null))
                {
                    candidates.TryAdd(tenant.Value, covered.Matching(tenant));
                }
            }
        }

        TenantId? best = null;
        double bestLog10 = 0.0;
        long bestMatching = 0;
        int checkedCount = 0;
        foreach ((ulong value, long matching) in candidates.OrderByDescending(c => c.Value).ThenBy(c => c.Key).Take(ExactCandidates))
        {
            var tenant = new TenantId(value);
            double log10 = covered.Log10PValue(tenant);
            checkedCount++;
            if (best is null || log10 < bestLog10)
            {
                best = tenant;
                bestLog10 = log10;
                bestMatching = matching;
            }
        }

        double searched = registry is null ? CodeSpace : registry.Count;
        return new TraceResult(best, bestLog10, searched, options.Alpha, checkedCount, bestMatching, evidence, identity);
    }

    public static PooledTraceResult TracePooled(FingerprintScheme scheme, FingerprintEvidence evidence, TenantRegistry registry, PooledTraceOptions options)
    {
        TenantCode code = scheme.Code;
        ReadOnlySpan<int> counts = evidence.RawCounts;

        // Each position's weight: the centred tally, or the majority symbol's sign (ties left out).
        var positions = new List<int>();
        var weights = new List<double>();
        double slope = options.Score == PooledScore.Centred ? TallySlope(code, counts) : 0.0;
        for (int i = 0; i < code.Positions; i++)
        {
            int n0 = counts[2 * i], n1 = counts[(2 * i) + 1];
            double weight = options.Score == PooledScore.Symmetric
                ? Math.Sign(n1 - n0)
                : n0 + n1 == 0 ? 0.0 : ((double)(n1 - n0) / (n0 + n1)) - (slope * ((2.0 * code.OneProbability(i)) - 1.0));
            if (weight != 0.0)
            {
                positions.Add(i);
                weights.Add(weight);
            }
        }

        int used = positions.Count;
        double[] zeros = new double[used], ones = new double[used], probabilities = new double[used];
        for (int k = 0; k < used; k++)
        {
            double p = code.OneProbability(positions[k]);
            probabilities[k] = p;
            ones[k] = weights[k] * Math.Sqrt((1.0 - p) / p);
            zeros[k] = -weights[k] * Math.Sqrt(p / (1.0 - p));
        }

        var scorer = new TardosScorer(code, positions, zeros, ones);
        IReadOnlyList<TenantId> tenants = registry.Tenants;
        double[] scores = new double[tenants.Count];
        Parallel.For(0, (tenants.Count + 4095) / 4096, block =>
        {
            int end = Math.Min(tenants.Count, (block + 1) * 4096);
            for (int j = block * 4096; j < end; j++)
            {
                scores[j] = scorer.Score(tenants[j]);
            }
        });

        // The bound is the same function of the score for every innocent tenant: find the score where
        // it reaches FalseAccusation / M, then bound each reported tenant's own score.
        double log10M = Math.Log10(tenants.Count);
        double target = Math.Log10(options.FalseAccusation);
        double Corrected(double score) => Math.Min(0.0, TwoPointSum.ChernoffLog10UpperTail(zeros, ones, probabilities, score) + log10M);
        double threshold = used == 0 ? double.PositiveInfinity : TwoPointSum.ChernoffThreshold(zeros, ones, probabilities, target - log10M);

        // Only the top of the ranking and the accused are needed: select them without sorting every tenant.
        var top = new PriorityQueue<int, (double, ulong)>(Comparer<(double Score, ulong Tenant)>.Create((x, y) => x.Score != y.Score ? x.Score.CompareTo(y.Score) : y.Tenant.CompareTo(x.Tenant)));
        var above = new List<int>();
        for (int j = 0; j < scores.Length; j++)
        {
            if (scores[j] >= threshold)
            {
                above.Add(j);
            }

            (double, ulong) priority = (scores[j], tenants[j].Value);
            if (top.Count < options.MaxReported)
            {
                top.Enqueue(j, priority);
            }
            else if (top.TryPeek(out _, out (double Score, ulong Tenant) smallest) && (scores[j] > smallest.Score || (scores[j] == smallest.Score && tenants[j].Value < smallest.Tenant)))
            {
                top.DequeueEnqueue(j, priority);
            }
        }

        Accusation Accuse(int j)
        {
            double log10 = Corrected(scores[j]);
            return new Accusation(tenants[j], scores[j], log10, scores[j] >= threshold && log10 <= target);
        }

        int[] best = new int[top.Count];
        for (int k = best.Length - 1; k >= 0; k--)
        {
            best[k] = top.Dequeue();
        }

        Accusation[] ranked = [.. best.Select(Accuse)];
        Accusation[] accused = [.. above.OrderByDescending(j => scores[j]).ThenBy(j => tenants[j].Value).Select(Accuse).Where(a => a.Accused)];
        return new PooledTraceResult(ranked, accused, options.FalseAccusation, threshold, tenants.Count, used, evidence);
    }

    /// <summary>The least-squares slope of (2 f - 1) on (2 p - 1) over the positions with green tokens: how much of the tallies the biases explain.</summary>
    private static double TallySlope(TenantCode code, ReadOnlySpan<int> counts)
    {
        double xy = 0, xx = 0;
        for (int i = 0; i < code.Positions; i++)
        {
            int n0 = counts[2 * i], n1 = counts[(2 * i) + 1];
            if (n0 + n1 > 0)
            {
                double x = (2.0 * code.OneProbability(i)) - 1.0;
                xy += x * ((double)(n1 - n0) / (n0 + n1));
                xx += x * x;
            }
        }

        return xx > 0 ? xy / xx : 0.0;
    }

    private static int Margin(PositionEstimate e) => Math.Abs(e.Ones - e.Zeros);

    private static bool AnySignificant(Dictionary<ulong, long> candidates, CoveredPositions covered, double tenants, double alpha)
    {
        double limit = Math.Log10(alpha) - Math.Log10(tenants);
        return candidates.OrderByDescending(c => c.Value).Take(ExactCandidates).Any(c => covered.Log10PValue(new TenantId(c.Key)) <= limit);
    }

    /// <summary>table[256 b + v]: what byte b of an identity word equal to v adds to its matching count (the sum of ones - zeros over that byte's 1 bits).</summary>
    private static int[] ByteTable(PositionEstimate[] identity)
    {
        int[] table = new int[8 * 256];
        for (int b = 0; b < 8; b++)
        {
            for (int v = 1; v < 256; v++)
            {
                PositionEstimate e = identity[(8 * b) + BitOperations.TrailingZeroCount(v)];
                table[(256 * b) + v] = table[(256 * b) + (v & (v - 1))] + (e.Ones - e.Zeros);
            }
        }

        return table;
    }

    /// <summary>The registered tenants (all, or those listed in <paramref name="subset"/>) whose identity words match the most green identity tokens.</summary>
    private static List<(TenantId Tenant, long Score)> BestMatches(ulong[] words, TenantRegistry registry, int[] table, int[]? subset)
    {
        int count = subset?.Length ?? words.Length;
        var best = new PriorityQueue<int, long>();
        long smallest = long.MinValue;
        ReadOnlySpan<int> t = table;
        for (int k = 0; k < count; k++)
        {
            int j = subset is null ? k : subset[k];
            ulong w = words[j];
            long score = t[(int)(w & 0xFF)] + t[256 + (int)((w >> 8) & 0xFF)] + t[512 + (int)((w >> 16) & 0xFF)] + t[768 + (int)((w >> 24) & 0xFF)]
                + t[1024 + (int)((w >> 32) & 0xFF)] + t[1280 + (int)((w >> 40) & 0xFF)] + t[1536 + (int)((w >> 48) & 0xFF)] + t[1792 + (int)(w >> 56)];
            if (best.Count < ExactCandidates)
            {
                best.Enqueue(j, score);
                if (best.Count == ExactCandidates)
                {
                    best.TryPeek(out _, out smallest);
                }
            }
            else if (score > smallest)
            {
                best.DequeueEnqueue(j, score);
                best.TryPeek(out _, out smallest);
            }
        }

        var result = new List<(TenantId, long)>();
        while (best.TryDequeue(out int j, out long score))
        {
            result.Add((registry.Tenants[j], score));
        }

        return result;
    }

    /// <summary>Majority bits of the identity positions, with posterior confidences from the overall agreement rate.</summary>
    private static PositionEstimate[] EstimateIdentity(ReadOnlySpan<int> counts, out ulong word)
    {
        long agree = 0, total = 0;
        for (int i = 0; i < FingerprintOptions.IdentityBits; i++)
        {
            int n0 = counts[2 * i], n1 = counts[(2 * i) + 1];
            agree += Math.Max(n0, n1);
            total += n0 + n1;
        }

        double rate = total == 0 ? 0.75 : Math.Clamp((double)agree / total, 0.55, 0.95);
        double llr = Math.Log(rate / (1.0 - rate));
        var estimates = new PositionEstimate[FingerprintOptions.IdentityBits];
        word = 0;
        for (int i = 0; i < FingerprintOptions.IdentityBits; i++)
        {
            int n0 = counts[2 * i], n1 = counts[(2 * i) + 1];
            bool bit = n1 > n0;
            if (bit)
            {
                word |= 1UL << i;
            }

            estimates[i] = new PositionEstimate(i, n0, n1, bit, 1.0 / (1.0 + Math.Exp(-llr * Math.Abs(n1 - n0))));
        }

        return estimates;
    }

    /// <summary>The positions that hold evidence, with what a tenant's bit there adds to its score.</summary>
    private sealed class CoveredPositions
    {
        private readonly TenantCode _code;
        private readonly int[] _positions;
        private readonly int[] _differences;
        private readonly double[] _oneProbabilities;
        private readonly long _base;
        private readonly Dictionary<ulong, double> _exact = [];

        public CoveredPositions(TenantCode code, ReadOnlySpan<int> counts)
        {
            _code = code;
            var positions = new List<int>();
            var differences = new List<int>();
            for (int i = 0; i < code.Positions; i++)
            {
                _base += counts[2 * i];
                if (counts[2 * i] != counts[(2 * i) + 1])
                {
                    positions.Add(i);
                    differences.Add(counts[(2 * i) + 1] - counts[2 * i]);
                }
            }

            _positions = [.. positions];
            _differences = [.. differences];
            _oneProbabilities = [.. positions.Select(code.OneProbability)];
        }

        /// <summary>Green tokens whose colour is the tenant's bit at their position.</summary>
        public long Matching(TenantId tenant) => _base + Difference(tenant);

        /// <summary>log10 of the probability that a tenant whose bits are independent of the text matches at least as many tokens.</summary>
        public double Log10PValue(TenantId tenant)
        {
            if (!_exact.TryGetValue(tenant.Value, out double log10))
            {
                log10 = TwoPointSum.Log10UpperTail(_differences, _oneProbabilities, Difference(tenant));
                _exact[tenant.Value] = log10;
            }

            return log10;
        }

        // The sum over positions where the tenant's bit is 1 of (ones - zeros).
        private long Difference(TenantId tenant)
        {
            long sum = 0;
            var reader = new CodewordReader(_code, tenant);
            for (int k = 0; k < _positions.Length; k++)
            {
                sum += reader.Bit(_positions[k]) ? _differences[k] : 0;
            }

            return sum;
        }
    }

    /// <summary>A tenant's Tardos score over the positions in use: the sum of the zero-bit values plus, where its bit is 1, the difference.</summary>
    private sealed class TardosScorer
    {
        private readonly TenantCode _code;
        private readonly int[] _positions;
        private readonly double[] _differences;
        private readonly double _base;

        public TardosScorer(TenantCode code, List<int> positions, double[] zeros, double[] ones)
        {
            _code = code;
            _positions = [.. positions];
            _differences = new double[zeros.Length];
            for (int k = 0; k < zeros.Length; k++)
            {
                _base += zeros[k];
                _differences[k] = ones[k] - zeros[k];
            }
        }

        public double Score(TenantId tenant)
        {
            // Branch-free: a tenant's bits are coin flips, so a branch on them mispredicts half the time.
            double score = _base;
            var reader = new CodewordReader(_code, tenant);
            int[] positions = _positions;
            double[] differences = _differences;
            for (int k = 0; k < positions.Length; k++)
            {
                score += Unsafe.BitCast<bool, byte>(reader.Bit(positions[k])) * differences[k];
            }

            return score;
        }
    }
}
