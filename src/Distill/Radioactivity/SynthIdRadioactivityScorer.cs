using System;
using System.Numerics;
using Distill.Detection;
using Distill.Prf;
using Distill.SynthId;

namespace Distill.Radioactivity;

/// <summary>
/// SynthID-Text: a token's value is its number of g-values equal to 1 over the m layers; under the
/// null hypothesis the g-values of distinct pairs are independent fair bits, so the sum over n
/// distinct pairs is Binomial(n m, 1/2) (the mean g-value test).
/// </summary>
internal sealed class SynthIdRadioactivityScorer : RadioactivityScorer
{
    private readonly SynthIdScheme _scheme;
    private readonly PrfV1 _prf;
    private ulong[] _hashes = [];

    public SynthIdRadioactivityScorer(SynthIdScheme scheme)
        : base(scheme.Descriptor, scheme.Options.ContextWidth)
    {
        _scheme = scheme;
        _prf = scheme.Prf.Base;
    }

    public override DetectionStatistic Statistic => DetectionStatistic.MeanGValue;

    public override void Score(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, Span<ulong> seeds, Span<ulong> values)
    {
        int w = PrefixLength;
        ulong mask = _scheme.DepthMask;
        ref readonly SynthIdPrf prf = ref _scheme.Prf;
        ReadOnlySpan<ulong> hashes = RadioactivityBuffers.TokenHashes(ref _hashes, text, _prf);
        for (int i = w; i < text.Length; i++)
        {
            ulong seed = prf.ContextSeed(hashes.Slice(i - w, w));
            int candidate = candidates[i];
            ulong candidateHash = candidate == text[i] ? hashes[i] : prf.TokenHash(candidate);
            seeds[i] = seed;
            values[i] = (ulong)BitOperations.PopCount(prf.GWord(seed, candidateHash) & mask);
        }
    }

    public override double AnytimeLog10PValue(long scored, UInt128 sum) => BernoulliAnytimeLog10PValue((long)sum, checked(scored * _scheme.Depth), 0.5);

    public override (double Score, double ZScore, double Log10PValue) Test(long scored, UInt128 sum)
    {
        long ones = (long)sum;
        long trials = checked(scored * _scheme.Depth);
        double score = trials > 0 ? (double)ones / trials : 0.0;
        double z = trials > 0 ? (ones - (trials / 2.0)) / Math.Sqrt(trials / 4.0) : 0.0;
        return (score, z, scored > 0 ? SynthIdStatistics.LogMeanTail(ones, scored, _scheme.Depth) / Math.Log(10.0) : 0.0);
    }
}
