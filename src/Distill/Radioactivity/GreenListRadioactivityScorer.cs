using System;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;
using Distill.Statistics;
using Distill.Unigram;

namespace Distill.Radioactivity;

/// <summary>
/// KGW (LeftHash and SelfHash) and Unigram: a token's value is 1 when it is green under its seed, and
/// the sum over n distinct pairs is Binomial(n, gamma) under the null hypothesis.
/// </summary>
internal sealed class GreenListRadioactivityScorer : RadioactivityScorer
{
    private readonly PrfV1 _prf;
    private readonly uint _threshold;
    private readonly double _gamma;
    private readonly KgwSeeding? _seeding; // null: Unigram, one fixed seed
    private readonly ulong _fixedSeed;
    private ulong[] _hashes = [];

    public GreenListRadioactivityScorer(KgwScheme scheme)
        : base(scheme.Descriptor, scheme.PrefixLength)
    {
        _prf = scheme.Prf;
        _threshold = scheme.Threshold;
        _gamma = scheme.EffectiveGamma;
        _seeding = scheme.Options.Seeding;
    }

    public GreenListRadioactivityScorer(UnigramScheme scheme)
        : base(scheme.Descriptor, 0)
    {
        _threshold = scheme.Threshold;
        _gamma = scheme.EffectiveGamma;
        _fixedSeed = scheme.Seed;
    }

    public override DetectionStatistic Statistic => DetectionStatistic.GreenCount;

    public override bool CountsGreen => true;

    public override bool FilterSkipsRepeatedCandidates => _seeding == KgwSeeding.SelfHash;

    public override void Score(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, Span<ulong> seeds, Span<ulong> values)
    {
        int w = PrefixLength;
        if (_seeding is null)
        {
            for (int i = 0; i < candidates.Length; i++)
            {
                seeds[i] = _fixedSeed;
                values[i] = PrfV1.GreenValue(_fixedSeed, candidates[i]) < _threshold ? 1UL : 0UL;
            }

            return;
        }

        ReadOnlySpan<ulong> hashes = RadioactivityBuffers.TokenHashes(ref _hashes, text, _prf);
        bool self = _seeding == KgwSeeding.SelfHash;
        for (int i = w; i < text.Length; i++)
        {
            int candidate = candidates[i];
            ulong seed;
            if (self)
            {
                ulong candidateHash = candidate == text[i] ? hashes[i] : _prf.TokenHash(candidate);
                seed = _prf.SelfSeed(hashes.Slice(i - w, w), candidateHash);
            }
            else
            {
                seed = _prf.LeftSeedStart();
                foreach (ulong h in hashes.Slice(i - w, w))
                {
                    seed = PrfV1.LeftSeedStep(seed, h);
                }
            }

            seeds[i] = seed;
            values[i] = PrfV1.GreenValue(seed, candidate) < _threshold ? 1UL : 0UL;
        }
    }

    public override double AnytimeLog10PValue(long scored, UInt128 sum) => BernoulliAnytimeLog10PValue((long)sum, scored, _gamma);

    public override (double Score, double ZScore, double Log10PValue) Test(long scored, UInt128 sum) => BinomialTest(scored, sum, _gamma);

    /// <summary>The green count of <paramref name="scored"/> distinct pairs against Binomial(n, gamma): the count, z and the exact log10 tail.</summary>
    internal static (double Score, double ZScore, double Log10PValue) BinomialTest(long scored, UInt128 sum, double gamma)
    {
        long green = (long)sum;
        double z = scored > 0 ? (green - (gamma * scored)) / Math.Sqrt(scored * gamma * (1.0 - gamma)) : 0.0;
        return (green, z, scored > 0 ? Binomial.Log10UpperTail(green, scored, gamma) : 0.0);
    }
}
