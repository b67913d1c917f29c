using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO.Hashing;

namespace Distill.Reference;

/// <summary>
/// Public reference text, as token ids of one tokenizer, one sequence per document: the text whose
/// common (context, token) pairs detection leaves unscored (see <see cref="ReferenceFilterOptions"/>).
/// </summary>
/// <remarks>
/// <para>
/// Under the one key a provider deploys, a pair that recurs across many documents (", and",
/// "of the") has the same greenness in every one of them, so human text that is rich in such pairs
/// drifts away from the binomial null that holds over random keys. Leaving the pairs that are common in
/// public text unscored removes that drift; since the choice depends on the text and never on
/// greenness, the exact p-value over random keys is untouched.
/// </para>
/// <para>
/// <see cref="Id"/> names the corpus in descriptors: its name, the number of documents and tokens, and
/// a hash of the token ids, so that detection refuses a reference whose tokenization differs from
/// the one the descriptor was made with. Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class ReferenceCorpus
{
    private readonly ReadOnlyMemory<int>[] _documents;

    private ReferenceCorpus(string name, ReadOnlyMemory<int>[] documents, long tokens, string hash)
    {
        _documents = documents;
        Id = new ReferenceCorpusId { Name = name, Documents = documents.Length, Tokens = tokens, Hash = hash };
    }

    /// <summary>Gets the corpus's identity as descriptors record it.</summary>
    public ReferenceCorpusId Id { get; }

    /// <summary>Gets the documents' token ids.</summary>
    public IReadOnlyList<ReadOnlyMemory<int>> Documents => _documents;

    /// <summary>Creates a reference corpus from token-id documents (copied).</summary>
    /// <param name="name">A name for the corpus, for example <c>brown-train/1</c> or a file name; 1 to 200 characters.</param>
    /// <param name="documents">One token-id sequence per document; at least one token in all.</param>
    /// <param name="vocabularySize">The vocabulary size every id must be below.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="documents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or too long, or the documents hold no token.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is negative or not below <paramref name="vocabularySize"/>.</exception>
    public static ReferenceCorpus Create(string name, IEnumerable<ReadOnlyMemory<int>> documents, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        if (name.Length is 0 or > 200)
        {
            throw new ArgumentException("A reference corpus needs a name of 1 to 200 characters.", nameof(name));
        }

        var copies = new List<ReadOnlyMemory<int>>();
        var hash = new XxHash64(0);
        Span<byte> buffer = stackalloc byte[4];
        long tokens = 0;
        foreach (ReadOnlyMemory<int> document in documents)
        {
            ReadOnlySpan<int> ids = document.Span;
            LogitsGuard.ValidateTokens(ids, vocabularySize, nameof(documents));
            BinaryPrimitives.WriteInt32LittleEndian(buffer, ids.Length);
            hash.Append(buffer);
            foreach (int id in ids)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buffer, id);
                hash.Append(buffer);
            }

            copies.Add(ids.ToArray());
            tokens += ids.Length;
        }

        if (tokens == 0)
        {
            throw new ArgumentException("A reference corpus needs at least one token.", nameof(documents));
        }

        return new ReferenceCorpus(name, [.. copies], tokens, Convert.ToHexStringLower(hash.GetCurrentHash()));
    }
}
