using System;
using System.Collections.Generic;
using System.Threading;

namespace Distill.Reference;

/// <summary>
/// A scheme's reference filter: the options its descriptor names and, when the corpora were given, the
/// common pairs under its key (computed on first use, then shared by every thread).
/// </summary>
internal sealed class ReferenceFilter
{
    private readonly Lazy<CommonPairSet>? _common;

    private ReferenceFilter(ReferenceFilterOptions options, Lazy<CommonPairSet>? common)
    {
        Options = options;
        _common = common;
    }

    public ReferenceFilterOptions Options { get; }

    /// <summary>Gets the common pairs, building them on first use.</summary>
    /// <exception cref="InvalidOperationException">The scheme was made without the corpora its descriptor names.</exception>
    public CommonPairSet Common => _common?.Value ?? throw new InvalidOperationException(
        $"This descriptor leaves unscored the (context, token) pairs common in {string.Join(" + ", Options.Corpora)}; " +
        "detection needs those corpora: pass them when creating the scheme (WatermarkProfile.CreateScheme(references); " +
        "Distill.Tokenizers' ReferenceCorpora.Resolve loads the built-in ones).");

    /// <summary>
    /// The filter of <paramref name="options"/> over <paramref name="corpora"/>, which must be exactly the
    /// corpora the options name, in order; <see langword="null"/> corpora give a filter that embeds but
    /// cannot detect.
    /// </summary>
    /// <exception cref="ArgumentException">The corpora are not the ones the options name.</exception>
    public static ReferenceFilter Create(ReferenceFilterOptions options, IReadOnlyList<ReferenceCorpus>? corpora, IPairSeeds scheme, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (corpora is null)
        {
            return new ReferenceFilter(options, null);
        }

        if (corpora.Count != options.Corpora.Count)
        {
            throw new ArgumentException($"The descriptor names {options.Corpora.Count} reference corpora, but {corpora.Count} were given.", parameterName);
        }

        ReferenceCorpus[] copy = [.. corpora];
        for (int i = 0; i < copy.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(copy[i], parameterName);
            if (!copy[i].Id.Equals(options.Corpora[i]))
            {
                throw new ArgumentException(
                    $"Reference corpus {i + 1} is {copy[i].Id}, but the descriptor names {options.Corpora[i]}: another text or another tokenization would leave other pairs unscored.",
                    parameterName);
            }

            foreach (ReadOnlyMemory<int> document in copy[i].Documents)
            {
                LogitsGuard.ValidateTokens(document.Span, scheme.VocabularySize, parameterName);
            }
        }

        return new ReferenceFilter(options, new Lazy<CommonPairSet>(() => CommonPairSet.Build(scheme, options, copy), LazyThreadSafetyMode.ExecutionAndPublication));
    }

    /// <summary>The options over <paramref name="corpora"/> at <paramref name="rate"/> documents per million tokens.</summary>
    public static ReferenceFilterOptions OptionsFor(IReadOnlyList<ReferenceCorpus> corpora, int rate)
    {
        ArgumentNullException.ThrowIfNull(corpora);
        var ids = new List<ReferenceCorpusId>(corpora.Count);
        foreach (ReferenceCorpus corpus in corpora)
        {
            ArgumentNullException.ThrowIfNull(corpus, nameof(corpora));
            ids.Add(corpus.Id);
        }

        return new ReferenceFilterOptions { Corpora = ids, DocumentsPerMillionTokens = rate };
    }
}
