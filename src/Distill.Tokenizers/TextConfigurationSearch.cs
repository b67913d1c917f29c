using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;

namespace Distill.Tokenizers;

/// <summary>
/// A <see cref="ConfigurationSearch"/> over texts: each text is tokenized once per tokenizer that
/// the configurations name, and every configuration is tested on the ids of its own tokenizer, with
/// the Holm correction over all of them.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class TextConfigurationSearch
{
    private readonly TextTokenizer[] _tokenizers;
    private readonly int[] _tokenizerOf;

    /// <summary>Creates the search; each configuration's tokenizer is the one its descriptor names (the default one when it names none).</summary>
    /// <param name="schemes">The configurations, at least one.</param>
    /// <exception cref="ArgumentException">No scheme, or a descriptor names a tokenizer this release cannot load.</exception>
    /// <exception cref="DescriptorMismatchException">A tokenizer's vocabulary size is not the scheme's.</exception>
    public TextConfigurationSearch(IEnumerable<WatermarkScheme> schemes)
    {
        Search = new ConfigurationSearch(schemes);
        var tokenizers = new List<TextTokenizer>();
        _tokenizerOf = new int[Search.Schemes.Count];
        for (int i = 0; i < _tokenizerOf.Length; i++)
        {
            WatermarkScheme scheme = Search.Schemes[i];
            TextTokenizer tokenizer = TextTokenizer.Create(scheme.Descriptor.Tokenizer ?? TextTokenizer.DefaultName);
            TextDetector.CheckTokenizer(scheme, tokenizer);
            int index = tokenizers.IndexOf(tokenizer);
            if (index < 0)
            {
                index = tokenizers.Count;
                tokenizers.Add(tokenizer);
            }

            _tokenizerOf[i] = index;
        }

        _tokenizers = [.. tokenizers];
    }

    /// <summary>Gets the token-level search (its configurations, in order).</summary>
    public ConfigurationSearch Search { get; }

    /// <summary>Gets the distinct tokenizers a text is encoded with.</summary>
    public IReadOnlyList<TextTokenizer> Tokenizers => _tokenizers;

    /// <summary>Tests a text against every configuration.</summary>
    /// <param name="text">The text; not empty or white space only.</param>
    /// <param name="options">Detection options; the defaults when <see langword="null"/>.</param>
    /// <returns>The corrected search result.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is null, empty or white space only.</exception>
    public ConfigurationSearchResult Detect(string text, DetectionOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("The text is empty: there is nothing to test.", nameof(text));
        }

        ReadOnlyMemory<int>[] ids = [.. _tokenizers.Select(t => t.Encode(text).Ids)];
        var results = new DetectionResult?[_tokenizerOf.Length];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = Search.Schemes[i].Detect(ids[_tokenizerOf[i]].Span, options);
        }

        return Search.Combine(results);
    }
}
