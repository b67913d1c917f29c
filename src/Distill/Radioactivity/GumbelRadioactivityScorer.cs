using System;
using Distill.Detection;
using Distill.Gumbel;
using Distill.Prf;
using Distill.Statistics;

namespace Distill.Radioactivity;

/// <summary>
/// Gumbel-max: a token's value is the sum over the K variants of -ln(1 - r), in the scheme's
/// fixed point (rounded down); under the null hypothesis each variant's value is Exp(1), independent,
/// so the sum over n distinct pairs is Gamma(K n, 1). Summing the variants (instead of taking the best
/// one) suits a student trained on outputs of all of them, and needs no Bonferroni factor.
/// </summary>
internal sealed class GumbelRadioactivityScorer : RadioactivityScorer
{
    private readonly GumbelScheme _scheme;
    private readonly PrfV1 _prf;
    private readonly ulong _start;
    private ulong[] _hashes = [];

    public GumbelRadioactivityScorer(GumbelScheme scheme)
        : base(scheme.Descriptor, scheme.ContextWidth)
    {
        _scheme = scheme;
        _prf = scheme.Prf.Base;
        _start = scheme.Prf.ContextStart;
    }

    public override DetectionStatistic Statistic => DetectionStatistic.GumbelScore;

    public override void Score(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, Span<ulong> seeds, Span<ulong> values)
    {
        int w = PrefixLength, k = _scheme.Variants;
        ReadOnlySpan<ulong> hashes = RadioactivityBuffers.TokenHashes(ref _hashes, text, _prf);
        for (int i = w; i < text.Length; i++)
        {
            ulong seed = _start;
            foreach (ulong h in hashes.Slice(i - w, w))
            {
                seed = PrfV1.LeftSeedStep(seed, h);
            }

            ulong value = 0;
            for (int v = 0; v < k; v++)
            {
                value += GumbelScheme.ToFixed(GumbelPrf.TokenValue(_scheme.StepSeed(seed, v), candidates[i]));
            }

            seeds[i] = seed;
            values[i] = value;
        }
    }

    /// <summary>
    /// The exponential mixture: E = integral over lambda uniform on (0, 1] of lambda^(K N) e^((1 - lambda) S)
    /// (the likelihood ratio of Gamma(K N, rate lambda) against Gamma(K N, 1)), which is
    /// P[Gamma(K N + 1) &lt;= S] / (S density_{Gamma(K N + 1)}(S)).
    /// </summary>
    public override double AnytimeLog10PValue(long scored, UInt128 sum) => ExponentialAnytimeLog10PValue((double)scored * _scheme.Variants, sum);

    /// <summary>The mixture E for a fixed-point sum of <paramref name="terms"/> Exp(1) terms (see <see cref="AnytimeLog10PValue"/>).</summary>
    internal static double ExponentialAnytimeLog10PValue(double terms, UInt128 sum)
    {
        double s = (double)sum / GumbelScheme.FixedScale;
        if (terms <= 0 || s <= 0.0)
        {
            return 0.0;
        }

        double shape = terms + 1.0;
        double logE = GammaDistribution.LogLowerTail(shape, s) - GammaDistribution.LogDensity(shape, s) - Math.Log(s);
        return Math.Min(0.0, -logE / Math.Log(10.0));
    }

    public override (double Score, double ZScore, double Log10PValue) Test(long scored, UInt128 sum) => ExponentialTest((double)scored * _scheme.Variants, sum);

    /// <summary>A fixed-point sum of <paramref name="terms"/> Exp(1) terms against Gamma(terms, 1): the sum, z and the exact log10 tail.</summary>
    internal static (double Score, double ZScore, double Log10PValue) ExponentialTest(double terms, UInt128 sum)
    {
        double s = (double)sum / GumbelScheme.FixedScale;
        double z = terms > 0 ? (s - terms) / Math.Sqrt(terms) : 0.0;
        return (s, z, terms > 0 ? GammaDistribution.Log10UpperTail(terms, s) : 0.0);
    }
}
