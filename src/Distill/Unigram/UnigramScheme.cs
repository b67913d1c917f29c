using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;
using Distill.Reference;

namespace Distill.Unigram;

/// <summary>
/// The Unigram watermark (Zhao, Ananth, Li and Wang, "Provable Robust Watermarking for AI-Generated
/// Text", ICLR 2024), version 1: one fixed green list per key (context width 0).
/// </summary>
/// <remarks>
/// <para>
/// A keyed pseudo-random function marks a fraction gamma of the vocabulary green once and for all,
/// and delta is added to the green logits at every step. Because greenness does not depend on the
/// context, edits of neighbouring tokens (substitutions, insertions, the emoji attack) leave the
/// greenness of every surviving token intact; the price is that the green list is the same at every
/// step, so a determined adversary who sees much watermarked text can estimate it.
/// </para>
/// <para>
/// Token t is green when <c>GreenValue(k2, t) &lt; floor(gamma 2^32)</c> with PRF version 1
/// (<c>docs/prf.md</c>) keyed with the sub-key <c>scheme/unigram/v1</c>: the KGW LeftHash green
/// value with the seed folded over zero context tokens. Detection scores each distinct token once by
/// default (with a fixed green list a repeated token is a copy of the same evidence, not new
/// evidence) and reports the exact binomial p-value.
/// </para>
/// <para>Instances are immutable and thread-safe; sessions are not.</para>
/// </remarks>
public sealed class UnigramScheme : WatermarkScheme, IGreenListScoring, IPairSeeds
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "unigram";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    internal const string SubKeyPurpose = "scheme/unigram/v1";

    private readonly ReferenceFilter? _reference;

    private UnigramScheme(WatermarkKey key, UnigramOptions options, SchemeDescriptor descriptor)
        : this(PrfV1.FromKey(key.Derive(SubKeyPurpose)).LeftSeedStart(), options, descriptor, null)
    {
    }

    private UnigramScheme(ulong seed, UnigramOptions options, SchemeDescriptor descriptor, IReadOnlyList<ReferenceCorpus>? references)
    {
        Options = options;
        Descriptor = descriptor;
        Seed = seed;
        _reference = descriptor.Reference is { } filter ? ReferenceFilter.Create(filter, references, this, nameof(references)) : null;
        Threshold = (uint)Math.Min(Math.Floor(options.Gamma * 4294967296.0), uint.MaxValue);
        EffectiveGamma = Threshold / 4294967296.0;
        DeltaSingle = (float)options.Delta;
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public UnigramOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the exact probability that a token is green for a random key: floor(gamma * 2^32) / 2^32.</summary>
    public double EffectiveGamma { get; }

    internal ulong Seed { get; }

    internal uint Threshold { get; }

    internal float DeltaSingle { get; }

    /// <summary>Creates a Unigram scheme.</summary>
    /// <param name="key">The watermark key.</param>
    /// <param name="options">The parameters; <see cref="UnigramOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    public static UnigramScheme Create(WatermarkKey key, UnigramOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= UnigramOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfV1.Version,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            Unigram = options,
        };
        return new UnigramScheme(key, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>unigram</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not a Unigram descriptor, or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static UnigramScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key) => FromDescriptor(descriptor, key, null);

    /// <summary>Creates the scheme a descriptor describes, with the reference corpora its filter names.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>unigram</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <param name="references">
    /// The corpora of the descriptor's <see cref="SchemeDescriptor.Reference"/>, in order; ignored without one.
    /// Without them the scheme embeds, but detection throws <see cref="InvalidOperationException"/>.
    /// </param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not a Unigram descriptor, names another key, or other corpora.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static UnigramScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key, IReadOnlyList<ReferenceCorpus>? references)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(key);
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor.Unigram, key);
        UnigramScheme scheme = Create(key, descriptor.Unigram!, descriptor.VocabularySize, descriptor.Tokenizer);
        return descriptor.Reference is { } filter ? new UnigramScheme(scheme.Seed, scheme.Options, scheme.Descriptor with { Reference = filter }, references) : scheme;
    }

    /// <summary>
    /// Returns this scheme with a reference filter: detection leaves unscored the tokens common in
    /// <paramref name="references"/> (a fixed green list makes every token's greenness the same in every
    /// document, so frequent tokens would bias the test under one key). Embedding is unchanged.
    /// </summary>
    /// <param name="references">The public reference corpora, in the scheme's tokenization; at least one.</param>
    /// <param name="documentsPerMillionTokens">How common a token must be to be left unscored; the measured default (20) when <see langword="null"/>.</param>
    /// <returns>The scheme with the filter, and a descriptor that names it.</returns>
    /// <exception cref="ArgumentException">No corpus, a corpus twice, or an invalid rate.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A reference token id is outside the vocabulary.</exception>
    public override UnigramScheme WithReference(IReadOnlyList<ReferenceCorpus> references, int? documentsPerMillionTokens = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        ReferenceFilterOptions filter = ReferenceFilter.OptionsFor(references, documentsPerMillionTokens ?? ReferenceFilterOptions.UnigramRate);
        return new UnigramScheme(Seed, Options, Descriptor with { Reference = filter }, references);
    }

    /// <inheritdoc />
    int IPairSeeds.SeedsOf(ReadOnlySpan<int> tokens, Span<ulong> seeds)
    {
        // The pair of a Unigram token is the token alone (seed 0, as deduplication stores it).
        seeds[..tokens.Length].Clear();
        return 0;
    }

    /// <inheritdoc />
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new UnigramSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Returns whether <paramref name="token"/> is in the key's green list.</summary>
    /// <param name="token">The token id.</param>
    /// <returns><see langword="true"/> when the token is green.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The token id is outside the vocabulary.</exception>
    internal bool IsGreen(int token)
    {
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        return PrfV1.GreenValue(Seed, token) < Threshold;
    }

    /// <inheritdoc />
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options) =>
        ScoreDocument(tokens, default, options);

    /// <inheritdoc />
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        var kinds = new TokenScore[tokens.Length];
        return TokenEvidence.FromKinds(ScoreTokens(tokens, kinds, options), kinds);
    }

    /// <summary>Scores each token of a stream and writes what detection made of it.</summary>
    /// <param name="tokens">The token ids of the text (one document).</param>
    /// <param name="destination">Receives one <see cref="TokenScore"/> per token; at least as long as <paramref name="tokens"/>.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The same result <see cref="WatermarkScheme.Detect"/> returns.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short; nothing is written.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is written.</exception>
    internal DetectionResult ScoreTokens(ReadOnlySpan<int> tokens, Span<TokenScore> destination, DetectionOptions? options = null)
    {
        if (destination.Length < tokens.Length)
        {
            throw new ArgumentException($"The destination needs {tokens.Length} elements.", nameof(destination));
        }

        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return ScoreDocument(tokens, destination, options ?? DetectionOptions.Default);
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new GreenListAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => GreenListAccumulator.ReadFrom(source, (IGreenListScoring)this, options);

    /// <inheritdoc />
    /// <remarks>Each span's p-value is Bonferroni-corrected for every window searched, so it stays valid after the search.</remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var scores = new TokenScore[tokens.Length];
        ScoreDocument(tokens, scores, new DetectionOptions { Deduplicate = options.Deduplicate });
        return BinomialLocalizer.Localize(scores, EffectiveGamma, options);
    }

    /// <inheritdoc />
    void IGreenListScoring.Score(ReadOnlySpan<int> tokens, ref HashWindow window, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination) =>
        Score(tokens, seen, ref counts, destination);

    /// <inheritdoc />
    bool IGreenListScoring.IsConsistent(ulong seed, int token, bool green) =>
        seed == 0 && green == (PrfV1.GreenValue(Seed, token) < Threshold) && !(_reference?.Common.Contains(0, token) ?? false);

    private DetectionResult ScoreDocument(ReadOnlySpan<int> tokens, Span<TokenScore> destination, DetectionOptions options)
    {
        var counts = default(GreenListCounts);
        if (!options.Deduplicate)
        {
            Score(tokens, null, ref counts, destination);
            return new DetectionResult(Descriptor, counts, EffectiveGamma, options.Deduplicate, options.MinimumScoredTokens);
        }

        // One document: a bit per vocabulary id (25 KiB at 200,019) marks the tokens already scored.
        int words = (VocabularySize + 63) / 64;
        ulong[] seen = ArrayPool<ulong>.Shared.Rent(words);
        try
        {
            Array.Clear(seen, 0, words);
            ScoreOnce(tokens, seen, ref counts, destination);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(seen);
        }

        return new DetectionResult(Descriptor, counts, EffectiveGamma, options.Deduplicate, options.MinimumScoredTokens);
    }

    private void ScoreOnce(ReadOnlySpan<int> tokens, ulong[] seen, ref GreenListCounts counts, Span<TokenScore> destination)
    {
        counts.Tokens += tokens.Length;
        ulong seed = Seed;
        uint threshold = Threshold;
        bool write = !destination.IsEmpty;
        CommonPairSet? common = _reference?.Common;
        long scored = 0, green = 0, skippedCommon = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            if (common is not null && common.Contains(0, token))
            {
                skippedCommon++;
                if (write)
                {
                    destination[i] = TokenScore.Common;
                }

                continue;
            }

            ref ulong word = ref seen[token >> 6];
            ulong bit = 1UL << (token & 63);
            if ((word & bit) != 0)
            {
                if (write)
                {
                    destination[i] = TokenScore.Repeated;
                }

                continue;
            }

            word |= bit;
            bool isGreen = PrfV1.GreenValue(seed, token) < threshold;
            scored++;
            green += isGreen ? 1 : 0;
            if (write)
            {
                destination[i] = isGreen ? TokenScore.Green : TokenScore.Red;
            }
        }

        counts.Scored += scored;
        counts.Green += green;
        counts.SkippedCommon += skippedCommon;
        counts.SkippedRepeated += tokens.Length - scored - skippedCommon;
    }

    // Every token has its full (empty) context. Deduplicated entries are stored with seed 0, never
    // the keyed seed, so that a serialized accumulator does not hold the secret green-list seed.
    private void Score(ReadOnlySpan<int> tokens, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination)
    {
        counts.Tokens += tokens.Length;
        ulong seed = Seed;
        uint threshold = Threshold;
        bool write = !destination.IsEmpty;
        CommonPairSet? common = _reference?.Common;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            if (common is not null && common.Contains(0, token))
            {
                counts.SkippedCommon++;
                if (write)
                {
                    destination[i] = TokenScore.Common;
                }

                continue;
            }

            bool green = PrfV1.GreenValue(seed, token) < threshold;
            if (seen is not null && !seen.TryAdd(0, token, green))
            {
                counts.SkippedRepeated++;
                if (write)
                {
                    destination[i] = TokenScore.Repeated;
                }

                continue;
            }

            counts.Scored++;
            counts.Green += green ? 1 : 0;
            if (write)
            {
                destination[i] = green ? TokenScore.Green : TokenScore.Red;
            }
        }
    }

    /// <inheritdoc />
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new Radioactivity.GreenListRadioactivityScorer(this);
}
