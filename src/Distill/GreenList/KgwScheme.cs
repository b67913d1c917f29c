using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Distill.Detection;
using Distill.Prf;
using Distill.Reference;

namespace Distill.GreenList;

/// <summary>
/// The KGW soft green-list watermark (Kirchenbauer, Geiping, Wen, Katz, Miers and Goldstein,
/// "A Watermark for Large Language Models", ICML 2023) with the LeftHash and SelfHash seeding of
/// "On the Reliability of Watermarks for Large Language Models" (ICLR 2024), version 1.
/// </summary>
/// <remarks>
/// <para>
/// At each step a keyed pseudo-random function of the context marks a fraction gamma of the
/// vocabulary green, and delta is added to the green logits before sampling. Detection counts green
/// tokens and reports the exact binomial p-value. Greenness is decided by Distill's PRF version 1
/// (<c>docs/prf.md</c>), keyed with the sub-key <c>scheme/kgw/v1</c> derived from the
/// <see cref="WatermarkKey"/>: results are identical on every machine, with or without SIMD.
/// </para>
/// <para>Instances are immutable and thread-safe; sessions are not.</para>
/// </remarks>
public sealed class KgwScheme : WatermarkScheme, IGreenListScoring, IPairSeeds
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "kgw";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    internal const string SubKeyPurpose = "scheme/kgw/v1";

    private readonly PrfV1 _prf;

    private readonly ReferenceFilter? _reference;

    private KgwScheme(WatermarkKey key, KgwOptions options, SchemeDescriptor descriptor)
        : this(PrfV1.FromKey(key.Derive(SubKeyPurpose)), options, descriptor, null)
    {
    }

    private KgwScheme(PrfV1 prf, KgwOptions options, SchemeDescriptor descriptor, IReadOnlyList<ReferenceCorpus>? references)
    {
        Options = options;
        Descriptor = descriptor;
        _prf = prf;
        _reference = descriptor.Reference is { } filter ? ReferenceFilter.Create(filter, references, this, nameof(references)) : null;

        // Green iff the 32-bit green value is below floor(gamma * 2^32): the exact null probability
        // is Threshold / 2^32, which detection uses as gamma.
        Threshold = (uint)Math.Min(Math.Floor(options.Gamma * 4294967296.0), uint.MaxValue);
        EffectiveGamma = Threshold / 4294967296.0;
        DeltaSingle = (float)options.Delta;
        PrefixLength = options.PrefixLength;
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public KgwOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the exact probability that a token is green for a random key: floor(gamma * 2^32) / 2^32.</summary>
    public double EffectiveGamma { get; }

    internal uint Threshold { get; }

    internal float DeltaSingle { get; }

    internal int PrefixLength { get; }

    internal ref readonly PrfV1 Prf => ref _prf;

    /// <summary>Creates a KGW scheme.</summary>
    /// <param name="key">The watermark key.</param>
    /// <param name="options">The parameters; <see cref="KgwOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The options' combination is invalid.</exception>
    public static KgwScheme Create(WatermarkKey key, KgwOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= KgwOptions.Default;
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfV1.Version,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            Kgw = options,
        };
        return new KgwScheme(key, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>kgw</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not a KGW descriptor, or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static KgwScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key) => FromDescriptor(descriptor, key, null);

    /// <summary>Creates the scheme a descriptor describes, with the reference corpora its filter names.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>kgw</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <param name="references">
    /// The corpora of the descriptor's <see cref="SchemeDescriptor.Reference"/>, in order; ignored without one.
    /// Without them the scheme embeds, but detection throws <see cref="InvalidOperationException"/>.
    /// </param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not a KGW descriptor, names another key, or other corpora.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static KgwScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key, IReadOnlyList<ReferenceCorpus>? references)
    {
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor?.Kgw, key);
        KgwScheme scheme = Create(key, descriptor!.Kgw, descriptor.VocabularySize, descriptor.Tokenizer);
        return descriptor.Reference is { } filter ? scheme.WithFilter(filter, references) : scheme;
    }

    /// <summary>
    /// Returns this scheme with a reference filter: detection leaves unscored the (context, token) pairs
    /// common in <paramref name="references"/> (see <see cref="ReferenceFilterOptions"/>), which keeps the
    /// p-value honest under the one key a provider deploys. Embedding is unchanged.
    /// </summary>
    /// <param name="references">The public reference corpora, in the scheme's tokenization; at least one.</param>
    /// <param name="documentsPerMillionTokens">
    /// How common a pair must be to be left unscored; when <see langword="null"/>, the measured default of
    /// the seeding (LeftHash 50, SelfHash 80; <c>docs/statistics.md</c>).
    /// </param>
    /// <returns>The scheme with the filter, and a descriptor that names it.</returns>
    /// <exception cref="ArgumentException">No corpus, a corpus twice, or an invalid rate.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A reference token id is outside the vocabulary.</exception>
    public override KgwScheme WithReference(IReadOnlyList<ReferenceCorpus> references, int? documentsPerMillionTokens = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        int rate = documentsPerMillionTokens ?? (Options.Seeding == KgwSeeding.SelfHash ? ReferenceFilterOptions.SelfHashRate : ReferenceFilterOptions.LeftHashRate);
        return WithFilter(ReferenceFilter.OptionsFor(references, rate), references);
    }

    private KgwScheme WithFilter(ReferenceFilterOptions filter, IReadOnlyList<ReferenceCorpus>? references) =>
        new(_prf, Options, Descriptor with { Reference = filter }, references);

    /// <inheritdoc />
    int IPairSeeds.SeedsOf(ReadOnlySpan<int> tokens, Span<ulong> seeds)
    {
        var window = default(HashWindow);
        int width = Math.Max(PrefixLength, 1);
        int prefix = Math.Min(PrefixLength, tokens.Length);
        for (int i = 0; i < tokens.Length; i++)
        {
            ulong hash = _prf.TokenHash(tokens[i]);
            if (i >= PrefixLength)
            {
                seeds[i] = Seed(ref window, hash);
            }

            window.Push(hash, width);
        }

        return prefix;
    }

    /// <inheritdoc />
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new KgwSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Returns whether <paramref name="token"/> is green after <paramref name="context"/>.</summary>
    /// <param name="context">The tokens before it; only the last <see cref="KgwOptions.PrefixLength"/> count, and there must be at least that many.</param>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when the token is in the green list of its context.</returns>
    /// <exception cref="ArgumentException"><paramref name="context"/> is shorter than the prefix length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    internal bool IsGreen(ReadOnlySpan<int> context, int token)
    {
        if (context.Length < PrefixLength)
        {
            throw new ArgumentException($"The context needs at least {PrefixLength} tokens.", nameof(context));
        }

        LogitsGuard.ValidateTokens(context, VocabularySize, nameof(context));
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        var window = default(HashWindow);
        foreach (int t in context[^PrefixLength..])
        {
            window.Push(_prf.TokenHash(t), Math.Max(PrefixLength, 1));
        }

        return IsGreen(ref window, token, _prf.TokenHash(token), out _);
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
        options ??= DetectionOptions.Default;
        if (destination.Length < tokens.Length)
        {
            throw new ArgumentException($"The destination needs {tokens.Length} elements.", nameof(destination));
        }

        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return ScoreDocument(tokens, destination, options);
    }

    // One whole document, already validated; per-token verdicts go to destination unless it is empty.
    private DetectionResult ScoreDocument(ReadOnlySpan<int> tokens, Span<TokenScore> destination, DetectionOptions options)
    {
        var window = default(HashWindow);
        var counts = default(GreenListCounts);
        SeedTokenSet? seen = options.Deduplicate ? new SeedTokenSet(tokens.Length, pooled: true) : null;
        try
        {
            Score(tokens, ref window, seen, ref counts, destination);
        }
        finally
        {
            seen?.ReturnToPool();
        }

        return new DetectionResult(Descriptor, counts, EffectiveGamma, options.Deduplicate, options.MinimumScoredTokens);
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new GreenListAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(System.IO.Stream source, DetectionOptions options) => GreenListAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>Each span's p-value is Bonferroni-corrected for every window searched, so it stays valid after the search.</remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var scores = new TokenScore[tokens.Length];
        ScoreDocument(tokens, scores, new DetectionOptions { Deduplicate = options.Deduplicate });
        return BinomialLocalizer.Localize(scores, EffectiveGamma, options);
    }

    /// <summary>Scores tokens, continuing the stream whose state is <paramref name="window"/>; tokens are already validated.</summary>
    internal void Score(ReadOnlySpan<int> tokens, ref HashWindow window, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination)
    {
        counts.Tokens += tokens.Length;
        if (tokens.IsEmpty)
        {
            return;
        }

        int prefix = PrefixLength;
        CommonPairSet? common = _reference?.Common;
        if (Options.Seeding == KgwSeeding.SelfHash)
        {
            ulong k3 = _prf.SelfSeedKey;
            if (prefix == 3)
            {
                KgwDetection.Score(new KgwDetection.SelfHash3(k3), _prf, prefix, Threshold, tokens, ref window, seen, common, ref counts, destination);
            }
            else
            {
                KgwDetection.Score(new KgwDetection.SelfHashN(k3, prefix), _prf, prefix, Threshold, tokens, ref window, seen, common, ref counts, destination);
            }
        }
        else if (prefix == 1)
        {
            KgwDetection.Score(new KgwDetection.LeftHash1(_prf.LeftSeedStart()), _prf, prefix, Threshold, tokens, ref window, seen, common, ref counts, destination);
        }
        else
        {
            KgwDetection.Score(new KgwDetection.LeftHashN(_prf.LeftSeedStart(), prefix), _prf, prefix, Threshold, tokens, ref window, seen, common, ref counts, destination);
        }
    }

    /// <inheritdoc />
    void IGreenListScoring.Score(ReadOnlySpan<int> tokens, ref HashWindow window, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination) =>
        Score(tokens, ref window, seen, ref counts, destination);

    /// <inheritdoc />
    bool IGreenListScoring.IsConsistent(ulong seed, int token, bool green) =>
        green == (PrfV1.GreenValue(seed, token) < Threshold) && !(_reference?.Common.Contains(seed, token) ?? false);

    /// <summary>The seed of a token after the context in <paramref name="window"/> (which must be full).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong Seed(ref HashWindow window, ulong tokenHash)
    {
        if (Options.Seeding == KgwSeeding.SelfHash)
        {
            return _prf.SelfSeed(window.Last(PrefixLength), tokenHash);
        }

        ulong state = _prf.LeftSeedStart();
        foreach (ulong h in window.Last(PrefixLength))
        {
            state = PrfV1.LeftSeedStep(state, h);
        }

        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool IsGreen(ref HashWindow window, int token, ulong tokenHash, out ulong seed)
    {
        seed = Seed(ref window, tokenHash);
        return PrfV1.GreenValue(seed, token) < Threshold;
    }

    /// <inheritdoc />
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new Radioactivity.GreenListRadioactivityScorer(this);
}
