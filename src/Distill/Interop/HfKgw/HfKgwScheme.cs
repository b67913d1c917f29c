using System;
using System.Collections.Generic;
using System.IO;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Interop;

/// <summary>
/// Hugging Face transformers' KGW watermark (<c>WatermarkLogitsProcessor</c> and
/// <c>WatermarkDetector</c>, CPU generator), profile <c>hf-kgw</c>, version 1: text watermarked by
/// transformers is detected here and text watermarked here is detected by transformers, bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// Upstream algorithm (transformers, after Kirchenbauer et al. 2023): the hashing key k (an integer;
/// 15485863 in the reference's examples) seeds a torch CPU generator per step. LeftHash: the seed is
/// <c>k * last_token</c>; SelfHash: <c>min_i(k * (table[t_i] + 1) * (table[c] + 1))</c> in signed 64-bit
/// arithmetic over the last <c>ContextWidth</c> tokens ending with the candidate c, where
/// <c>table = randperm(1_000_003)</c> after <c>manual_seed(k)</c>. The generator is seeded with the seed
/// modulo 2^64 - 1 (floor modulo), and the green list is the first <c>(int)(V * gamma)</c> entries of
/// <c>randperm(V)</c>. The processor adds the bias (in float32) to the green list (LeftHash) or to each
/// of the 40 highest-scoring candidates green under its own seed (SelfHash). See
/// <c>docs/schemes/hf-kgw.md</c>.
/// </para>
/// <para>
/// Distill's p-value (<see cref="WatermarkScheme.Detect"/>): the exact binomial upper tail with success probability
/// <c>(int)(V * gamma) / V</c> over the scored tokens, deduplicated on (generator seed, token) pairs
/// where the seed is the low 32 bits given to the generator (all that it reads). Null model: for a
/// random key the green list of each distinct seed is a uniformly random subset of G ids, and lists of
/// distinct seeds are independent; tokens scored against one list are drawn without replacement from
/// it, which makes the binomial tail conservative (Hoeffding 1963). Without deduplication repeated pairs
/// count again and the binomial is only approximate, as in <see cref="KgwScheme"/>. The reference's own
/// z-score and verdict come from <see cref="DetectReference"/>.
/// </para>
/// <para>
/// Green lists are cached per generator seed in a bounded, thread-safe cache shared by the scheme's
/// sessions, detections and accumulators (<see cref="HfKgwGreenLists"/>). Instances are immutable in
/// behaviour and thread-safe; sessions and accumulators are not.
/// </para>
/// </remarks>
public sealed class HfKgwScheme : WatermarkScheme, Reference.IPairSeeds
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "hf-kgw";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    /// <summary>The pseudo-random function version: the torch CPU generator (MT19937 and its <c>randperm</c>).</summary>
    internal const int PrfVersion = 1;

    /// <summary>The reference detector's z threshold: watermarked when z &gt; 3.</summary>
    public const double ReferenceZThreshold = 3.0;

    private readonly HfKgwSeeding _seeding;
    private readonly HfKgwDetection _reference;
    private readonly Reference.ReferenceFilter? _filter;

    private HfKgwScheme(ulong hashingKey, HfKgwOptions options, SchemeDescriptor descriptor, int cacheCapacity = 0, IReadOnlyList<Reference.ReferenceCorpus>? references = null)
    {
        Options = options;
        Descriptor = descriptor;
        HashingKey = hashingKey;
        int v = descriptor.VocabularySize;
        IsSelfHash = options.Seeding == KgwSeeding.SelfHash;
        Width = options.ContextWidth;
        GreenListSize = HfKgwSeeding.GreenListSize(v, options.Gamma);
        EffectiveGamma = (double)GreenListSize / v;
        BiasSingle = (float)options.Bias;
        _seeding = new HfKgwSeeding(hashingKey, IsSelfHash, Math.Min(v, HfKgwSeeding.TableSize));
        GreenLists = new HfKgwGreenLists(v, GreenListSize, cacheCapacity);
        _reference = new HfKgwDetection(_seeding, GreenLists, options.Gamma, IsSelfHash, Width);
        _filter = descriptor.Reference is { } filter ? Reference.ReferenceFilter.Create(filter, references, this, nameof(references)) : null;
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public HfKgwOptions Options { get; }

    /// <summary>The same scheme with a green-list cache of <paramref name="capacity"/> lists (tests of a full cache).</summary>
    internal HfKgwScheme WithCacheCapacity(int capacity) => new(HashingKey, Options, Descriptor, capacity);

    /// <summary>
    /// Returns this scheme with a reference filter: Distill's detection leaves unscored the
    /// (generator seed, token) pairs common in <paramref name="references"/>, which keeps its p-value
    /// honest under the one hashing key deployed. Embedding and the reference's own figures
    /// (<see cref="DetectReference"/>) are unchanged.
    /// </summary>
    /// <param name="references">The public reference corpora, in the scheme's tokenization; at least one.</param>
    /// <param name="documentsPerMillionTokens">How common a pair must be to be left unscored; the measured LeftHash default (50) when <see langword="null"/>.</param>
    /// <returns>The scheme with the filter, and a descriptor that names it.</returns>
    /// <exception cref="ArgumentException">No corpus, a corpus twice, or an invalid rate.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A reference token id is outside the vocabulary.</exception>
    public override HfKgwScheme WithReference(IReadOnlyList<Reference.ReferenceCorpus> references, int? documentsPerMillionTokens = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        int rate = documentsPerMillionTokens ?? (IsSelfHash ? Reference.ReferenceFilterOptions.SelfHashRate : Reference.ReferenceFilterOptions.LeftHashRate);
        return new(HashingKey, Options, Descriptor with { Reference = Reference.ReferenceFilter.OptionsFor(references, rate) }, 0, references);
    }

    /// <summary>Whether a (32-bit generator seed, token) pair is common in the reference (never without a filter).</summary>
    internal bool IsCommon(ulong seed, int token) => _filter?.Common.Contains(seed, token) ?? false;

    /// <inheritdoc />
    int Reference.IPairSeeds.SeedsOf(ReadOnlySpan<int> tokens, Span<ulong> seeds)
    {
        int skip = Math.Min(Skip, tokens.Length);
        for (int i = skip; i < tokens.Length; i++)
        {
            seeds[i] = unchecked((uint)GeneratorSeedAt(tokens, i));
        }

        return skip;
    }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the green list size, <c>(int)(V * gamma)</c> as in the reference.</summary>
    internal int GreenListSize { get; }

    /// <summary>Gets the exact probability that a token is green under the null: <see cref="GreenListSize"/> / V.</summary>
    public double EffectiveGamma { get; }

    internal ulong HashingKey { get; }

    internal bool IsSelfHash { get; }

    internal int Width { get; }

    internal float BiasSingle { get; }

    internal HfKgwGreenLists GreenLists { get; }

    internal HfKgwSeeding Seeding => _seeding;

    /// <summary>Gets the number of leading stream positions the reference's detector never scores: the width (LeftHash) or the width minus one (SelfHash).</summary>
    internal int Skip => IsSelfHash ? Width - 1 : Width;

    /// <summary>Creates the scheme of an integer key.</summary>
    /// <param name="key">An integer key of exactly one word (<see cref="WatermarkKey.FromIntegers"/>): the reference's hashing key, between 0 and 2^63 - 1.</param>
    /// <param name="options">The parameters; <see cref="HfKgwOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The model's vocabulary size (the logits length), 2 to 2^27 - 1.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not an integer key of one word below 2^63, or the green list would be empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2 or not below 2^27.</exception>
    /// <remarks>Building a SelfHash scheme draws the first V entries of the reference's fixed table (V generator steps).</remarks>
    public static HfKgwScheme Create(WatermarkKey key, HfKgwOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsIntegerKey || key.IntegerWords.Length != 1)
        {
            throw new ArgumentException("The hf-kgw profile takes an integer key of exactly one word (the reference's hashing key).", nameof(key));
        }

        ulong hashingKey = key.IntegerWords[0];
        if (hashingKey > long.MaxValue)
        {
            throw new ArgumentException("The hashing key must be between 0 and 2^63 - 1 (the reference multiplies it in signed 64-bit arithmetic).", nameof(key));
        }

        options ??= HfKgwOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(vocabularySize, 1 << 27);
        if (HfKgwSeeding.GreenListSize(vocabularySize, options.Gamma) < 1)
        {
            throw new ArgumentException($"Gamma {options.Gamma} gives an empty green list for {vocabularySize} tokens.", nameof(options));
        }

        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfVersion,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            HfKgw = options,
        };
        return new HfKgwScheme(hashingKey, options, descriptor);
    }

    /// <summary>Creates the scheme of a hashing key, as the reference's <c>WatermarkingConfig(hashing_key=...)</c>.</summary>
    /// <param name="hashingKey">The hashing key, between 0 and 2^63 - 1 (the reference's example is 15485863).</param>
    /// <param name="options">The parameters; <see cref="HfKgwOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The model's vocabulary size.</param>
    /// <param name="tokenizer">The tokenizer's identity, or <see langword="null"/>.</param>
    /// <returns>The scheme, whose key is <c>WatermarkKey.FromIntegers([hashingKey])</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="hashingKey"/> is 2^63 or more, or the green list would be empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2 or not below 2^27.</exception>
    public static HfKgwScheme FromHashingKey(ulong hashingKey, HfKgwOptions? options, int vocabularySize, string? tokenizer = null) =>
        Create(WatermarkKey.FromIntegers([hashingKey]), options, vocabularySize, tokenizer);

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>hf-kgw</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The descriptor is not an hf-kgw descriptor, names another key, or the key is not a valid hashing key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static HfKgwScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key) => FromDescriptor(descriptor, key, null);

    /// <summary>Creates the scheme a descriptor describes, with the reference corpora its filter names.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>hf-kgw</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <param name="references">
    /// The corpora of the descriptor's <see cref="SchemeDescriptor.Reference"/>, in order; ignored without one.
    /// Without them the scheme embeds, but Distill's detection throws <see cref="InvalidOperationException"/>.
    /// </param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not an hf-kgw descriptor, names another key or other corpora, or the key is not a valid hashing key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static HfKgwScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key, IReadOnlyList<Reference.ReferenceCorpus>? references)
    {
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfVersion, descriptor?.HfKgw, key);
        HfKgwScheme scheme = Create(key, descriptor!.HfKgw!, descriptor.VocabularySize, descriptor.Tokenizer);
        return descriptor.Reference is { } filter ? new(scheme.HashingKey, scheme.Options, scheme.Descriptor with { Reference = filter }, 0, references) : scheme;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The session's context is the whole input, prompt included, as the reference's <c>input_ids</c>:
    /// with fewer than <see cref="HfKgwOptions.ContextWidth"/> tokens the logits are left unchanged.
    /// </remarks>
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new HfKgwSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Scores what it is given (no BOS is dropped), from the reference's first scored position: the
    /// token at index <c>ContextWidth</c> (LeftHash) or <c>ContextWidth - 1</c> (SelfHash). With
    /// deduplication (the default) each (32-bit generator seed, token) pair counts once; the p-value is
    /// the exact binomial tail with success probability <see cref="EffectiveGamma"/> (conservative, see
    /// the type's remarks). Without it, the binomial over every scored token is an approximation.
    /// </remarks>
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

    /// <summary>
    /// Runs the reference's own detector (<c>WatermarkDetector.__call__</c>) on a token sequence and
    /// returns its figures: the number of n-grams scored, the green count, z, its p-value and its verdict
    /// z &gt; 3; beside them the figures of true tuple deduplication (what <c>ignore_repeated_ngrams</c>
    /// was meant to do).
    /// </summary>
    /// <param name="tokens">The token ids as given to the reference detector.</param>
    /// <param name="bosTokenId">The BOS id: a leading BOS is dropped, as the reference does; <see langword="null"/> to drop nothing.</param>
    /// <param name="ignoreRepeatedNgrams">
    /// The reference's flag. It has no effect on the reference's figures (its n-gram counter is keyed by
    /// tensor identity, so every n-gram is new); it deduplicates by token tuple in the intended figures.
    /// </param>
    /// <returns>The reference's figures.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    /// <remarks>
    /// The reference's p-value is <c>1 - 0.5 (1 + sign(z) (1 - exp(-2 z^2 / pi)))</c>, a rough normal
    /// approximation; for a valid p-value use <see cref="WatermarkScheme.Detect"/>.
    /// </remarks>
    public ReferenceResult DetectReference(ReadOnlySpan<int> tokens, int? bosTokenId, bool ignoreRepeatedNgrams)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        var asImplemented = _reference.Detect(tokens, bosTokenId, deduplicate: false);
        var intended = ignoreRepeatedNgrams ? _reference.Detect(tokens, bosTokenId, deduplicate: true) : asImplemented;
        return Figures(asImplemented.Scored, asImplemented.Green, asImplemented.ZScore, Figures(intended.Scored, intended.Green, intended.ZScore, null));

        // The verdict is the reference's z > 3; its p-value's logarithm is floored where the p-value rounds to 0.
        static ReferenceResult Figures(int scored, int green, double z, ReferenceResult? intended)
        {
            double p = HfKgwDetection.ReferencePValue(z);
            return new ReferenceResult("transformers", green, scored, z, p, Math.Log10(Math.Max(p, double.Epsilon)), z > ReferenceZThreshold, intended);
        }
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new HfKgwAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => HfKgwAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>
    /// Binomial localization over the per-token green flags; with deduplication only the first
    /// occurrence of each (seed, token) pair counts. Each span's p-value is Bonferroni-corrected for
    /// every window searched.
    /// </remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var scores = new TokenScore[tokens.Length];
        ScoreDocument(tokens, scores, new DetectionOptions { Deduplicate = options.Deduplicate });
        return BinomialLocalizer.Localize(scores, EffectiveGamma, options);
    }

    /// <summary>The per-token scorer of the radioactivity tests (see <see cref="HfKgwRadioactivityScorer"/>).</summary>
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new HfKgwRadioactivityScorer(this);

    /// <summary>
    /// The generator seed of the token at <paramref name="index"/> of <paramref name="sequence"/>, whose
    /// context precedes it there (at least one token for LeftHash, <c>width - 1</c> for SelfHash).
    /// </summary>
    internal ulong GeneratorSeedAt(ReadOnlySpan<int> sequence, int index) => IsSelfHash
        ? _seeding.SelfHashGeneratorSeed(sequence[(index - Width + 1)..(index + 1)])
        : HfKgwSeeding.LeftHashGeneratorSeed(HashingKey, sequence[index - 1]);

    /// <summary>
    /// Scores <paramref name="sequence"/>[<paramref name="start"/>..] (validated), whose first element
    /// sits at stream position <paramref name="position"/>; positions below <see cref="Skip"/> are the
    /// unscored prefix. Writes one score per scored element when <paramref name="destination"/> is not empty.
    /// </summary>
    internal void Score(ReadOnlySpan<int> sequence, int start, long position, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination)
    {
        bool record = !destination.IsEmpty;
        Reference.CommonPairSet? common = _filter?.Common;
        counts.Tokens += sequence.Length - start;
        for (int i = start; i < sequence.Length; i++)
        {
            TokenScore score;
            if (position + i < Skip)
            {
                counts.SkippedPrefix++;
                score = TokenScore.Prefix;
            }
            else
            {
                // Only the low 32 bits reach the generator: pairs are keyed by them.
                ulong seed = unchecked((uint)GeneratorSeedAt(sequence, i));
                int token = sequence[i];
                if (common is not null && common.Contains(seed, token))
                {
                    counts.SkippedCommon++;
                    score = TokenScore.Common;
                }
                else
                {
                    bool green = GreenLists.IsGreen(seed, token);
                    if (seen is not null && !seen.TryAdd(seed, token, green))
                    {
                        counts.SkippedRepeated++;
                        score = TokenScore.Repeated;
                    }
                    else
                    {
                        counts.Scored++;
                        counts.Green += green ? 1 : 0;
                        score = green ? TokenScore.Green : TokenScore.Red;
                    }
                }
            }

            if (record)
            {
                destination[i - start] = score;
            }
        }
    }

    private DetectionResult ScoreDocument(ReadOnlySpan<int> tokens, Span<TokenScore> destination, DetectionOptions options)
    {
        var counts = default(GreenListCounts);
        SeedTokenSet? seen = options.Deduplicate ? new SeedTokenSet(tokens.Length, pooled: true) : null;
        try
        {
            Score(tokens, 0, 0, seen, ref counts, destination);
        }
        finally
        {
            seen?.ReturnToPool();
        }

        return new DetectionResult(Descriptor, counts, EffectiveGamma, options.Deduplicate, options.MinimumScoredTokens);
    }
}
