using System;
using System.IO;
using Distill.Detection;

namespace Distill;

/// <summary>
/// A watermark scheme bound to one key and one set of parameters: immutable, thread-safe, and the
/// factory of the per-request <see cref="WatermarkSession"/> objects used in inference loops.
/// </summary>
/// <remarks>
/// <para>
/// Every scheme (KGW, Unigram, Gumbel-max, SynthID-Text, EXP-edit) offers the same two verbs behind
/// this contract. <em>Embed</em>: <see cref="CreateSession"/> gives a session whose
/// <see cref="WatermarkSession.ProcessLogits(Span{float})"/> rewrites one step's logits so that the
/// caller's ordinary sampler draws the watermarked token (a bias for KGW and Unigram, the modified
/// distribution for SynthID, a single unmasked token for the sampling schemes Gumbel-max and
/// EXP-edit). <em>Score</em>: <see cref="Detect"/>, <see cref="CreateAccumulator"/> and
/// <see cref="Localize"/> turn a token stream into an exact or conservative p-value.
/// </para>
/// <para>
/// The public methods check their arguments and apply the default options once, here, then call the
/// <c>*Core</c> methods a scheme overrides (the pattern of System.IO.Hashing): a scheme never
/// sees a token outside its vocabulary or a <see langword="null"/> options record.
/// </para>
/// <para>
/// The schemes are a closed set: the base classes' constructors and <c>*Core</c> methods are
/// <c>private protected</c>, because a scheme is only usable where its descriptor can be hashed,
/// loaded from a profile and named by the internal scheme registry (see docs/architecture.md). A new
/// scheme is one folder in this assembly plus one registry entry.
/// </para>
/// <para>Instances are immutable and may be shared by every thread; sessions and accumulators are not.</para>
/// </remarks>
public abstract class WatermarkScheme
{
    /// <summary>Initializes the base class.</summary>
    private protected WatermarkScheme()
    {
    }

    /// <summary>Gets everything a detector must agree on (never the secret).</summary>
    public abstract SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the vocabulary size the scheme was built for.</summary>
    public int VocabularySize => Descriptor.VocabularySize;

    /// <summary>Creates a session for one request whose context starts with <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <returns>A new session; not thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is negative or not below the vocabulary size.</exception>
    public WatermarkSession CreateSession(ReadOnlySpan<int> prompt)
    {
        LogitsGuard.ValidateTokens(prompt, VocabularySize, nameof(prompt));
        return CreateSessionCore(prompt);
    }

    /// <summary>Tests one token stream (one document) for this key.</summary>
    /// <param name="tokens">The token ids of the text.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The counts, the score and the exact or conservative p-value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public DetectionResult Detect(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return DetectCore(tokens, options ?? DetectionOptions.Default);
    }

    /// <summary>Creates an accumulator that scores documents as they arrive and merges with others.</summary>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>An empty accumulator; not thread-safe.</returns>
    public WatermarkAccumulator CreateAccumulator(DetectionOptions? options = null) =>
        CreateAccumulatorCore(options ?? DetectionOptions.Default);

    /// <summary>Reads an accumulator that <see cref="WatermarkAccumulator.WriteTo(Stream)"/> wrote for this scheme.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="options">Options for the result (the deduplication setting is read from the state); <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, or not an accumulator of this scheme.</exception>
    /// <exception cref="DescriptorMismatchException">The state was written under another descriptor.</exception>
    public WatermarkAccumulator ReadAccumulator(Stream source, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ReadAccumulatorCore(source, options ?? DetectionOptions.Default);
    }

    /// <summary>
    /// Finds watermarked spans inside a stream that may be mostly unwatermarked (for example a
    /// watermarked paragraph pasted into human text), each with a p-value corrected for the search.
    /// </summary>
    /// <param name="tokens">The token ids of the text.</param>
    /// <param name="options">Localization options; <see cref="LocalizationOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The significant spans, most significant first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public LocalizationResult Localize(ReadOnlySpan<int> tokens, LocalizationOptions? options = null)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return LocalizeCore(tokens, options ?? LocalizationOptions.Default);
    }

    /// <summary>
    /// Returns this scheme with a reference filter: detection leaves unscored the (context, token) pairs
    /// common in public reference text, so that the p-value stays honest under the one key a provider
    /// deploys (see <see cref="Reference.ReferenceFilterOptions"/>). Embedding is unchanged. Green-list
    /// schemes (KGW, Unigram, hf-kgw, the fingerprint's zero-bit layer) support it.
    /// </summary>
    /// <param name="references">The public reference corpora, in the scheme's tokenization; at least one.</param>
    /// <param name="documentsPerMillionTokens">How common a pair must be to be left unscored; the scheme's measured default when <see langword="null"/>.</param>
    /// <returns>The scheme with the filter, and a descriptor that names it.</returns>
    /// <exception cref="NotSupportedException">The scheme has no green lists.</exception>
    /// <exception cref="ArgumentException">No corpus, a corpus twice, or an invalid rate.</exception>
    public virtual WatermarkScheme WithReference(System.Collections.Generic.IReadOnlyList<Reference.ReferenceCorpus> references, int? documentsPerMillionTokens = null) =>
        throw new NotSupportedException($"Scheme '{Descriptor.Scheme}' has no green lists: reference filters apply to kgw, unigram, hf-kgw and kgw-fingerprint.");

    /// <summary>Tests one token stream as <see cref="Detect"/> does, and returns what the test made of each token.</summary>
    /// <param name="tokens">The token ids of the text.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The result <see cref="Detect"/> returns, with one kind (and for the score-based schemes one value) per token.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    internal TokenEvidence ScoreEachToken(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return ScoreEachTokenCore(tokens, options ?? DetectionOptions.Default);
    }

    /// <summary>When overridden, tests one token stream with the code of <see cref="DetectCore"/>, recording each token's kind and value.</summary>
    /// <param name="tokens">The token ids, already checked to be in the vocabulary.</param>
    /// <param name="options">The detection options (the defaults already applied).</param>
    /// <returns>The result and the per-token evidence.</returns>
    private protected abstract TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options);

    /// <summary>When overridden, creates a session whose context starts with <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The prompt's token ids, already checked to be in the vocabulary.</param>
    /// <returns>A new session.</returns>
    private protected abstract WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt);

    /// <summary>When overridden, tests one token stream (one document) for this key.</summary>
    /// <param name="tokens">The token ids, already checked to be in the vocabulary.</param>
    /// <param name="options">The detection options (the defaults already applied).</param>
    /// <returns>The counts, the score and the p-value.</returns>
    private protected abstract DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options);

    /// <summary>When overridden, creates an empty accumulator.</summary>
    /// <param name="options">The detection options (the defaults already applied).</param>
    /// <returns>An empty accumulator.</returns>
    private protected abstract WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options);

    /// <summary>When overridden, reads an accumulator that this scheme's accumulators wrote.</summary>
    /// <param name="source">The stream to read from (not <see langword="null"/>).</param>
    /// <param name="options">Options for the result (the defaults already applied).</param>
    /// <returns>The accumulator.</returns>
    private protected abstract WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options);

    /// <summary>When overridden, finds watermarked spans inside a token stream.</summary>
    /// <param name="tokens">The token ids, already checked to be in the vocabulary.</param>
    /// <param name="options">The localization options (the defaults already applied).</param>
    /// <returns>The significant spans, most significant first.</returns>
    private protected abstract LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options);

    /// <summary>The scheme's per-token scorer for the radioactivity tests, or <see langword="null"/> when it has none.</summary>
    internal virtual Radioactivity.RadioactivityScorer? CreateRadioactivityScorer() => null;
}
