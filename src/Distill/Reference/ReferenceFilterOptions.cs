using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Linq;

namespace Distill.Reference;

/// <summary>
/// The reference filter a descriptor names: which public corpora decide the common (context, token)
/// pairs, and how common a pair must be to be left unscored.
/// </summary>
/// <remarks>
/// <para>
/// A pair (in the scheme's own terms: the seed of its context, and the token) is <em>common</em> when
/// the number of documents of some corpus that contain it is at least
/// max(2, ceil(<see cref="DocumentsPerMillionTokens"/> x that corpus's tokens / 10^6)). Common pairs
/// are not scored (<see cref="Detection.TokenScore.Common"/>). The rule reads the text only: which
/// pairs are excluded never depends on whether they are green, so the binomial p-value stays exact
/// over random keys, and under the one fixed key it no longer drifts with the frequent pairs whose
/// greenness that key fixes (<c>docs/statistics.md</c>).
/// </para>
/// <para>Instances are immutable; two are equal when their corpora (in order) and rate are.</para>
/// </remarks>
public sealed record ReferenceFilterOptions
{
    /// <summary>The rate of the KGW LeftHash and hf-kgw defaults.</summary>
    internal const int LeftHashRate = 50;

    /// <summary>The rate of the KGW SelfHash default.</summary>
    internal const int SelfHashRate = 80;

    /// <summary>The rate of the Unigram default.</summary>
    internal const int UnigramRate = 20;

    private readonly ReferenceCorpusId[] _corpora = [];
    private readonly int _rate = LeftHashRate;

    /// <summary>Gets the corpora, at least one; a pair common in any of them is not scored.</summary>
    /// <exception cref="ArgumentException">Set to an empty list, or one with an invalid or repeated entry.</exception>
    public required IReadOnlyList<ReferenceCorpusId> Corpora
    {
        get => _corpora;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Corpora));
            ReferenceCorpusId[] copy = [.. value];
            if (copy.Length == 0)
            {
                throw new ArgumentException("A reference filter needs at least one corpus.", nameof(Corpora));
            }

            foreach (ReferenceCorpusId id in copy)
            {
                ArgumentNullException.ThrowIfNull(id, nameof(Corpora));
                id.Validate();
            }

            if (copy.Select(c => c.Hash).Distinct(StringComparer.Ordinal).Count() != copy.Length)
            {
                throw new ArgumentException("A reference filter lists the same corpus twice.", nameof(Corpora));
            }

            _corpora = copy;
        }
    }

    /// <summary>
    /// Gets how many documents per million tokens of a corpus must contain a pair for it to be common
    /// there (at least 2 documents); between 1 and 1,000,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1 to 1,000,000.</exception>
    public int DocumentsPerMillionTokens
    {
        get => _rate;
        init => _rate = value is >= 1 and <= 1_000_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(DocumentsPerMillionTokens), value, "The rate must be between 1 and 1,000,000 documents per million tokens.");
    }

    /// <summary>Returns the number of documents of <paramref name="corpus"/> that make a pair common there.</summary>
    /// <param name="corpus">One of <see cref="Corpora"/>.</param>
    /// <returns>max(2, ceil(rate x tokens / 10^6)).</returns>
    public int MinimumDocuments(ReferenceCorpusId corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return (int)Math.Max(2, Math.Ceiling(DocumentsPerMillionTokens * (double)corpus.Tokens / 1e6));
    }

    /// <inheritdoc />
    public bool Equals(ReferenceFilterOptions? other) =>
        other is not null && _rate == other._rate && _corpora.SequenceEqual(other._corpora);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(_rate);
        foreach (ReferenceCorpusId id in _corpora)
        {
            h.Add(id);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"reference {string.Join(" + ", _corpora.Select(c => c.Name))}, common at {DocumentsPerMillionTokens} documents per million tokens";

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "reference/v1");
        SchemeDescriptor.AppendInt(hash, DocumentsPerMillionTokens);
        SchemeDescriptor.AppendInt(hash, _corpora.Length);
        foreach (ReferenceCorpusId id in _corpora)
        {
            id.AppendHash(hash);
        }
    }
}
