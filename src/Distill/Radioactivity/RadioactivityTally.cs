using System;
using Distill.GreenList;
using Distill.Gumbel;

namespace Distill.Radioactivity;

/// <summary>
/// The engine both radioactivity tests share: scores candidates after contexts through the scheme's
/// <see cref="RadioactivityScorer"/>, drops what the test must not count (contexts the suspect saw,
/// contexts outside the filter, pairs already scored anywhere in the corpus) and sums the rest.
/// </summary>
internal sealed class RadioactivityTally
{
    /// <summary>How many positions ahead the deduplication table is prefetched.</summary>
    private const int PrefetchDistance = 16;

    private readonly RadioactivityScorer _scorer;
    private readonly RadioactivityOptions _options;
    private readonly SeedTokenSet? _seen;
    private RadioactivityCounts _counts;
    private ulong[] _seeds = [];
    private ulong[] _values = [];
    private ulong[] _actualSeeds = [];
    private ulong[] _actualValues = [];
    private bool _anytime; // open model: predictions scored adaptively, so the anytime-valid p-value

    public RadioactivityTally(WatermarkScheme scheme, RadioactivityOptions? options)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        _options = options ?? RadioactivityOptions.Default;
        _scorer = CreateScorer(scheme);
        _options.Filter?.CheckFor(scheme.Descriptor);
        _seen = _options.Deduplicate ? new SeedTokenSet(1024) : null;
    }

    public int PrefixLength => _scorer.PrefixLength;

    public int VocabularySize => _scorer.VocabularySize;

    /// <summary>The scheme's scorer, or a <see cref="NotSupportedException"/> that says why it has none.</summary>
    public static RadioactivityScorer CreateScorer(WatermarkScheme scheme) =>
        scheme.CreateRadioactivityScorer() ?? throw new NotSupportedException(scheme is ExpEdit.ExpEditScheme
            ? $"Scheme '{scheme.Descriptor.Scheme}' has no radioactivity test: its pseudo-random values are tied to positions in a key sequence, " +
              "not to contexts, and each text starts at a random shift, so a model trained on its outputs learns no context-dependent bias to test for."
            : $"Scheme '{scheme.Descriptor.Scheme}' has no radioactivity test in this release of Distill.");

    /// <summary>Records a prompt's exclusion units and pairs (tokens already validated).</summary>
    public void AddPrompt(ReadOnlySpan<int> prompt, ContextSeedSet units, ContextSeedSet pairs)
    {
        int w = _scorer.PrefixLength;
        if (prompt.Length <= w)
        {
            return;
        }

        Span<ulong> seeds = RadioactivityBuffers.Ensure(ref _seeds, prompt.Length).AsSpan(0, prompt.Length);
        Span<ulong> values = RadioactivityBuffers.Ensure(ref _values, prompt.Length).AsSpan(0, prompt.Length);
        _scorer.Score(prompt, prompt, seeds, values);
        for (int i = w; i < prompt.Length; i++)
        {
            units.Add(ContextHash.OfPosition(prompt, prompt, i, w));
            pairs.Add(ContextHash.OfPair(seeds[i], prompt[i]));
        }
    }

    /// <summary>Scores one output of the suspect (tokens already validated), excluding what the prompts contain.</summary>
    public void AddOutput(ReadOnlySpan<int> output, ContextSeedSet promptUnits, ContextSeedSet promptPairs)
    {
        int w = _scorer.PrefixLength;
        _counts.Tokens += output.Length;
        int prefix = Math.Min(w, output.Length);
        _counts.SkippedPrefix += prefix;
        if (output.Length <= w)
        {
            return;
        }

        Span<ulong> seeds = RadioactivityBuffers.Ensure(ref _seeds, output.Length).AsSpan(0, output.Length);
        Span<ulong> values = RadioactivityBuffers.Ensure(ref _values, output.Length).AsSpan(0, output.Length);
        _scorer.Score(output, output, seeds, values);
        bool anyPrompt = promptUnits.Count > 0;

        // The context's hash serves only the prompt exclusion and the filter: skip it without them.
        bool needUnit = anyPrompt || _options.Filter is not null;
        _seen?.Reserve(output.Length - w);
        for (int i = w; i < output.Length; i++)
        {
            // The deduplication table is far larger than the caches: start its miss early.
            if (_seen is not null && i + PrefetchDistance < output.Length)
            {
                _seen.Prefetch(seeds[i + PrefetchDistance], output[i + PrefetchDistance]);
            }

            ulong unit = needUnit ? ContextHash.OfPosition(output, output, i, w) : 0;
            if (anyPrompt && (promptUnits.Contains(unit) || promptPairs.Contains(ContextHash.OfPair(seeds[i], output[i]))))
            {
                _counts.ExcludedByPrompt++;
                continue;
            }

            Accept(unit, output, i, seeds[i], output[i], values[i]);
        }
    }

    /// <summary>
    /// Scores the suspect's predictions after each prefix of one of our texts (all validated), in
    /// order. A prediction is not scored when its (seed, token) pair already occurred as an actual
    /// pair before it (earlier in this text, or in an earlier text): that occurrence revealed its value,
    /// since our watermark chose that token there. Every other prediction's value, given everything
    /// before it, is at most as likely to be high as the null distribution says, so the anytime-valid
    /// p-value of <see cref="RadioactivityScorer.AnytimeLog10PValue"/> holds although which positions
    /// are scored depends on the text.
    /// </summary>
    public void AddPredictions(ReadOnlySpan<int> text, ReadOnlySpan<int> predictions, ContextSeedSet revealed)
    {
        int w = _scorer.PrefixLength;
        _counts.Tokens += text.Length;
        _counts.SkippedPrefix += Math.Min(w, text.Length);
        if (text.Length <= w)
        {
            return;
        }

        int n = text.Length;
        Span<ulong> seeds = RadioactivityBuffers.Ensure(ref _seeds, n).AsSpan(0, n);
        Span<ulong> values = RadioactivityBuffers.Ensure(ref _values, n).AsSpan(0, n);
        Span<ulong> actualSeeds = RadioactivityBuffers.Ensure(ref _actualSeeds, n).AsSpan(0, n);
        Span<ulong> actualValues = RadioactivityBuffers.Ensure(ref _actualValues, n).AsSpan(0, n);
        _scorer.Score(text, predictions, seeds, values);
        _scorer.Score(text, text, actualSeeds, actualValues);
        _anytime = true;
        for (int i = w; i < n; i++)
        {
            if (revealed.Contains(ContextHash.OfPair(seeds[i], predictions[i])))
            {
                _counts.ExcludedRevealed++;
            }
            else
            {
                Accept(_options.Filter is null ? 0 : ContextHash.OfPosition(text, predictions, i, w), text, i, seeds[i], predictions[i], values[i]);
            }

            // The token at i is revealed only to the predictions after it.
            revealed.Add(ContextHash.OfPair(actualSeeds[i], text[i]));
        }
    }

    public RadioactivityResult GetResult()
    {
        (double Score, double ZScore, double Log10PValue) test = _scorer.Test(_counts.Scored, _counts.Sum);
        if (_anytime)
        {
            test.Log10PValue = _scorer.AnytimeLog10PValue(_counts.Scored, _counts.Sum);
        }

        return new(_scorer.Descriptor, _scorer.Statistic, _counts, _scorer.CountsGreen, test, _options.MinimumScoredTokens);
    }

    /// <summary>Scores one candidate unless the filter or the deduplication drops it; <paramref name="unit"/> (its context's hash) is read only with a filter.</summary>
    private void Accept(ulong unit, ReadOnlySpan<int> text, int position, ulong seed, int token, ulong value)
    {
        if (_options.Filter is { } filter
            && (!filter.Contains(unit) || (_scorer.FilterSkipsRepeatedCandidates && text.Slice(position - _scorer.PrefixLength, _scorer.PrefixLength).Contains(token))))
        {
            _counts.OutsideFilter++;
            return;
        }

        if (_seen is not null && !_seen.TryAdd(seed, token, false))
        {
            _counts.Duplicates++;
            return;
        }

        _counts.Scored++;
        _counts.Sum += value;
    }
}
