using System;
using Distill.Detection;
using Distill.Radioactivity;

namespace Distill.Interop;

/// <summary>
/// vLLM's Gumbel-max for the radioactivity tests: a candidate's value after the previous W tokens is
/// Distill's conservative term -ln(1 - m / (2^24 + 1)) under key A (the only key of vllm-gumbel; the
/// dual key's main key, which chose about 1 - alpha of the tokens), in fixed point. Under the null
/// hypothesis each distinct (context, token) pair's term is at most Exp(1) in distribution, so the
/// Gamma tail of the sum is conservative. The deduplication seed folds the absorbed 128-bit state.
/// </summary>
internal sealed class VllmRadioactivityScorer(VllmGumbelScheme scheme) : RadioactivityScorer(scheme.Descriptor, scheme.Options.ContextWidth)
{
    private readonly uint[] _context = new uint[scheme.Options.ContextWidth];

    public override DetectionStatistic Statistic => DetectionStatistic.GumbelScore;

    public override void Score(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, Span<ulong> seeds, Span<ulong> values)
    {
        int w = PrefixLength;
        for (int i = w; i < text.Length; i++)
        {
            for (int j = 0; j < w; j++)
            {
                _context[j] = (uint)text[i - w + j];
            }

            var state = scheme.PrfA.Absorb(_context);
            seeds[i] = unchecked(((ulong)state.S1 << 32 | state.S0) ^ (((ulong)state.S3 << 32 | state.S2) * 0x9E3779B97F4A7C15UL));
            values[i] = Gumbel.GumbelScheme.ToFixed(VllmGumbelScheme.ConservativeScore(scheme.Word(scheme.PrfA, state, candidates[i])));
        }
    }

    public override double AnytimeLog10PValue(long scored, UInt128 sum) => GumbelRadioactivityScorer.ExponentialAnytimeLog10PValue(scored, sum);

    public override (double Score, double ZScore, double Log10PValue) Test(long scored, UInt128 sum) => GumbelRadioactivityScorer.ExponentialTest(scored, sum);
}

/// <summary>
/// transformers' KGW for the radioactivity tests: a candidate's value is 1 when it is green under its
/// generator seed (LeftHash: the previous token; SelfHash: the previous width - 1 tokens and the
/// candidate), and the seed is the 32-bit generator seed, so distinct (seed, token) pairs are
/// independent draws without replacement from random lists and the binomial tail with G/V is
/// conservative, as in detection.
/// </summary>
internal sealed class HfKgwRadioactivityScorer(HfKgwScheme scheme) : RadioactivityScorer(scheme.Descriptor, scheme.IsSelfHash ? scheme.Width - 1 : 1)
{
    private readonly int[] _window = new int[scheme.Width];

    public override DetectionStatistic Statistic => DetectionStatistic.GreenCount;

    public override bool CountsGreen => true;

    public override bool FilterSkipsRepeatedCandidates => scheme.IsSelfHash;

    public override void Score(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, Span<ulong> seeds, Span<ulong> values)
    {
        int w = PrefixLength;
        for (int i = w; i < text.Length; i++)
        {
            ulong seed;
            if (scheme.IsSelfHash)
            {
                text.Slice(i - w, w).CopyTo(_window);
                _window[w] = candidates[i];
                seed = unchecked((uint)scheme.Seeding.SelfHashGeneratorSeed(_window));
            }
            else
            {
                seed = unchecked((uint)HfKgwSeeding.LeftHashGeneratorSeed(scheme.HashingKey, text[i - 1]));
            }

            seeds[i] = seed;
            values[i] = scheme.GreenLists.IsGreen(seed, candidates[i]) ? 1UL : 0UL;
        }
    }

    public override double AnytimeLog10PValue(long scored, UInt128 sum) => BernoulliAnytimeLog10PValue((long)sum, scored, scheme.EffectiveGamma);

    public override (double Score, double ZScore, double Log10PValue) Test(long scored, UInt128 sum) => GreenListRadioactivityScorer.BinomialTest(scored, sum, scheme.EffectiveGamma);
}
