using System;
using System.Collections.Generic;

namespace Distill.Interop;

/// <summary>
/// What transformers' SynthID-Text and Google DeepMind's mean detectors compute for generated tokens:
/// g-values, masks and mean scores. Reference figures, reported beside Distill's p-values (they are
/// not p-values).
/// </summary>
/// <remarks>
/// N-gram i is tokens[i .. i + n) (its target is token i + n - 1). The repetition mask is 1 where the
/// n-gram's context hash is new among the previous <see cref="HfSynthIdOptions.ContextHistory"/> contexts
/// (a fresh, zero-filled history, as the reference's <c>compute_context_repetition_mask</c>); the EOS mask is
/// 0 from the first <see cref="HfSynthIdOptions.EosTokenId"/> on (<c>compute_eos_token_mask</c>, shifted by
/// n - 1). The means are over unmasked n-grams and all depths (NaN when none); the weighted means use the
/// layer weights <c>linspace(10, 1, depth)</c> scaled to sum to the depth. The public summary is
/// <see cref="HfSynthIdScheme.DetectReference"/>'s <see cref="ReferenceResult"/>; the per-n-gram figures
/// serve the Bayesian detector and the tests.
/// </remarks>
internal sealed class HfSynthIdReferenceScores
{
    private readonly byte[] _gValues;
    private readonly bool[] _repetition;
    private readonly bool[] _eos;

    internal HfSynthIdReferenceScores(int depth, byte[] gValues, bool[] repetition, bool[] eos, int unmasked, double mean, double weighted, double meanAll, double weightedAll)
    {
        Depth = depth;
        _gValues = gValues;
        _repetition = repetition;
        _eos = eos;
        UnmaskedNgrams = unmasked;
        MeanScore = mean;
        WeightedMeanScore = weighted;
        MeanScoreAllNgrams = meanAll;
        WeightedMeanScoreAllNgrams = weightedAll;
    }

    /// <summary>Gets the number of tournament layers.</summary>
    public int Depth { get; }

    /// <summary>Gets the number of n-grams (tokens - n + 1, or 0).</summary>
    public int NgramCount => _repetition.Length;

    /// <summary>Gets the number of n-grams both masks keep (the reference's <c>num_unmasked</c>).</summary>
    public int UnmaskedNgrams { get; }

    /// <summary>Gets the reference's mean score: the mean g-value over unmasked n-grams and all layers (NaN when none).</summary>
    public double MeanScore { get; }

    /// <summary>Gets the reference's weighted mean score over unmasked n-grams (NaN when none).</summary>
    public double WeightedMeanScore { get; }

    /// <summary>Gets the mean g-value over every n-gram, masks ignored (NaN when none).</summary>
    public double MeanScoreAllNgrams { get; }

    /// <summary>Gets the weighted mean g-value over every n-gram, masks ignored (NaN when none).</summary>
    public double WeightedMeanScoreAllNgrams { get; }

    /// <summary>Gets the context-repetition mask, one entry per n-gram (true: kept).</summary>
    public IReadOnlyList<bool> ContextRepetitionMask => _repetition;

    /// <summary>Gets the EOS mask, one entry per n-gram (true: kept).</summary>
    public IReadOnlyList<bool> EosMask => _eos;

    /// <summary>Returns the g-value of n-gram <paramref name="ngram"/> at layer <paramref name="depth"/>.</summary>
    /// <param name="ngram">The n-gram index, 0 .. <see cref="NgramCount"/> - 1.</param>
    /// <param name="depth">The layer, 0 .. <see cref="Depth"/> - 1.</param>
    /// <returns>0 or 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public int GValue(int ngram, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ngram);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ngram, NgramCount);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(depth, Depth);
        return _gValues[(ngram * Depth) + depth];
    }

    /// <summary>Gets every g-value, n-gram by n-gram (row-major, <see cref="Depth"/> per n-gram).</summary>
    public ReadOnlyMemory<byte> GValues => _gValues;
}
