using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Detection;

/// <summary>
/// Tests one token stream against every configuration a provider has served (each key, scheme and
/// parameter set, for example several vLLM keys beside a transformers KGW profile), and reports
/// which one fits best with a p-value corrected for having searched them all.
/// </summary>
/// <remarks>
/// <para>
/// Every configuration is tested on the same token ids, and the family is corrected by Holm's
/// step-down Bonferroni method over the m configurations searched: the best configuration's
/// corrected p-value is m times its own (capped at 1), and each configuration's adjusted p-value
/// controls the family-wise error rate. Both hold whatever the dependence between the tests (the
/// same text scored under several keys), so a corrected p-value below alpha is evidence at level
/// alpha that the text carries at least one of the watermarks. Configurations that cannot score the
/// stream (too few tokens, or a vocabulary that does not contain its ids) still count in m.
/// </para>
/// <para>
/// To search texts rather than token ids, tokenize once per tokenizer and pass each configuration
/// the ids of its own tokenizer through <see cref="Combine"/> (the text layer,
/// <c>Distill.Tokenizers.TextConfigurationSearch</c>, does this). Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class ConfigurationSearch
{
    private readonly WatermarkScheme[] _schemes;

    /// <summary>Creates a search over the given configurations.</summary>
    /// <param name="schemes">The configurations, at least one; their order is the order of the results.</param>
    /// <exception cref="ArgumentNullException"><paramref name="schemes"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="schemes"/> is empty.</exception>
    public ConfigurationSearch(IEnumerable<WatermarkScheme> schemes)
    {
        ArgumentNullException.ThrowIfNull(schemes);
        _schemes = [.. schemes];
        if (_schemes.Length == 0)
        {
            throw new ArgumentException("A configuration search needs at least one scheme.", nameof(schemes));
        }

        if (_schemes.Any(s => s is null))
        {
            throw new ArgumentNullException(nameof(schemes), "A scheme of the search is null.");
        }
    }

    /// <summary>Gets the configurations searched, in order.</summary>
    public IReadOnlyList<WatermarkScheme> Schemes => _schemes;

    /// <summary>Tests the token ids against every configuration.</summary>
    /// <param name="tokens">The token ids (of the tokenizer every configuration shares).</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>Every configuration's result and the corrected verdict.</returns>
    /// <remarks>A configuration whose vocabulary does not contain every id gets no result (<see langword="null"/>) and still counts in the correction.</remarks>
    public ConfigurationSearchResult Search(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        options ??= DetectionOptions.Default;
        int largest = -1;
        foreach (int token in tokens)
        {
            if (token < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, "Token ids are never negative.");
            }

            largest = Math.Max(largest, token);
        }

        var results = new DetectionResult?[_schemes.Length];
        for (int i = 0; i < _schemes.Length; i++)
        {
            results[i] = largest < _schemes[i].VocabularySize ? _schemes[i].Detect(tokens, options) : null;
        }

        return Combine(results);
    }

    /// <summary>Combines results computed elsewhere (one per configuration, in order; <see langword="null"/> for a configuration that could not score) into the corrected verdict.</summary>
    /// <param name="results">One result or <see langword="null"/> per configuration of <see cref="Schemes"/>.</param>
    /// <returns>The search result.</returns>
    /// <exception cref="ArgumentException"><paramref name="results"/> does not have one entry per configuration.</exception>
    public ConfigurationSearchResult Combine(IReadOnlyList<DetectionResult?> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count != _schemes.Length)
        {
            throw new ArgumentException($"The search has {_schemes.Length} configurations; got {results.Count} results.", nameof(results));
        }

        return new ConfigurationSearchResult(_schemes, [.. results]);
    }
}

/// <summary>The outcome of a <see cref="ConfigurationSearch"/>: each configuration's result and Holm-corrected p-value, and the best one.</summary>
public sealed class ConfigurationSearchResult
{
    private readonly DetectionResult?[] _results;
    private readonly double[] _adjusted;

    internal ConfigurationSearchResult(IReadOnlyList<WatermarkScheme> schemes, DetectionResult?[] results)
    {
        _results = results;
        Descriptors = [.. schemes.Select(s => s.Descriptor)];
        int m = results.Length;
        double[] raw = [.. results.Select(r => r?.Log10PValue ?? 0.0)];
        int[] order = [.. Enumerable.Range(0, m).OrderBy(i => raw[i]).ThenBy(i => i)];
        _adjusted = new double[m];
        double running = double.NegativeInfinity;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            // Holm: the rank-th smallest p times (m - rank), made monotone, capped at 1.
            running = Math.Max(running, Math.Min(0.0, raw[i] + Math.Log10(m - rank)));
            _adjusted[i] = running;
        }

        BestIndex = order[0];
    }

    /// <summary>Gets the number of configurations searched (the m of the correction).</summary>
    public int Configurations => _results.Length;

    /// <summary>Gets the configurations' descriptors, in the search's order.</summary>
    public IReadOnlyList<SchemeDescriptor> Descriptors { get; }

    /// <summary>Gets each configuration's own result, or <see langword="null"/> where it could not score the ids.</summary>
    public IReadOnlyList<DetectionResult?> Results => _results;

    /// <summary>Gets the index of the configuration with the smallest p-value (the first on ties).</summary>
    public int BestIndex { get; }

    /// <summary>Gets the best configuration's own result (uncorrected), or <see langword="null"/> when no configuration could score.</summary>
    public DetectionResult? Best => _results[BestIndex];

    /// <summary>Gets the base-10 logarithm of the best configuration's p-value corrected for the search: log10(min(1, m p)).</summary>
    public double Log10PValue => _adjusted[BestIndex];

    /// <summary>Gets the corrected p-value of the best configuration.</summary>
    public double PValue => Math.Pow(10.0, Log10PValue);

    /// <summary>Gets the correction applied, in words.</summary>
    public string Correction => $"Holm-Bonferroni over {Configurations} configurations (family-wise, any dependence)";

    /// <summary>Gets the Holm-adjusted base-10 log p-value of configuration <paramref name="index"/>.</summary>
    /// <param name="index">The configuration's index in the search.</param>
    /// <returns>log10 of its adjusted p-value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public double AdjustedLog10PValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _adjusted.Length);
        return _adjusted[index];
    }

    /// <summary>Gets whether the best configuration's corrected p-value is below <paramref name="alpha"/> (and it scored enough tokens).</summary>
    /// <param name="alpha">The family-wise significance level, strictly between 0 and 1.</param>
    /// <returns><see langword="true"/> when the search found a watermark at that level.</returns>
    public bool IsWatermarked(double alpha) => Best is { } best && DetectionResult.IsSignificant(best.Status, Log10PValue, alpha);
}
