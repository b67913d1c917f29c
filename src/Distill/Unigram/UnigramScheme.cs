using System;
using System.Buffers;
using System.IO;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;

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
public sealed class UnigramScheme : WatermarkScheme, IGreenListScoring
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "unigram";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    internal const string SubKeyPurpose = "scheme/unigram/v1";

    private UnigramScheme(WatermarkKey key, UnigramOptions options, SchemeDescriptor descriptor)
    {
        Options = options;
        Descriptor = descriptor;
        Seed = PrfV1.FromKey(key.Derive(SubKeyPurpose)).LeftSeedStart();
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
    public static UnigramScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(key);
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor.Unigram, key);
        return Create(key, descriptor.Unigram!, descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <inheritdoc />
    public override WatermarkSession CreateSession(ReadOnlySpan<int> prompt)
    {
        var session = new UnigramSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Returns whether <paramref name="token"/> is in the key's green list.</summary>
    /// <param name="token">The token id.</param>
    /// <returns><see langword="true"/> when the token is green.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The token id is outside the vocabulary.</exception>
    public bool IsGreen(int token)
    {
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        return PrfV1.GreenValue(Seed, token) < Threshold;
    }

    /// <inheritdoc />
    public override DetectionResult Detect(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return ScoreDocument(tokens, default, options ?? DetectionOptions.Default);
    }

    /// <summary>Scores each token of a stream and writes what detection made of it.</summary>
    /// <param name="tokens">The token ids of the text (one document).</param>
    /// <param name="destination">Receives one <see cref="TokenScore"/> per token; at least as long as <paramref name="tokens"/>.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The same result <see cref="Detect"/> returns.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short; nothing is written.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is written.</exception>
    public DetectionResult ScoreTokens(ReadOnlySpan<int> tokens, Span<TokenScore> destination, DetectionOptions? options = null)
    {
        if (destination.Length < tokens.Length)
        {
            throw new ArgumentException($"The destination needs {tokens.Length} elements.", nameof(destination));
        }

        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return ScoreDocument(tokens, destination, options ?? DetectionOptions.Default);
    }

    /// <inheritdoc />
    public override GreenListAccumulator CreateAccumulator(DetectionOptions? options = null) => new(this, options ?? DetectionOptions.Default);

    /// <inheritdoc />
    public override GreenListAccumulator ReadAccumulator(Stream source, DetectionOptions? options = null) => GreenListAccumulator.ReadFrom(source, (IGreenListScoring)this, options);

    /// <inheritdoc />
    /// <remarks>Each span's p-value is Bonferroni-corrected for every window searched, so it stays valid after the search.</remarks>
    public override LocalizationResult Localize(ReadOnlySpan<int> tokens, LocalizationOptions? options = null)
    {
        options ??= LocalizationOptions.Default;
        var scores = new TokenScore[tokens.Length];
        ScoreTokens(tokens, scores, new DetectionOptions { Deduplicate = options.Deduplicate });
        return BinomialLocalizer.Localize(scores, EffectiveGamma, options);
    }

    /// <inheritdoc />
    void IGreenListScoring.Score(ReadOnlySpan<int> tokens, ref HashWindow window, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination) =>
        Score(tokens, seen, ref counts, destination);

    /// <inheritdoc />
    bool IGreenListScoring.IsConsistent(ulong seed, int token, bool green) => seed == 0 && green == (PrfV1.GreenValue(Seed, token) < Threshold);

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
        long scored = 0, green = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
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
        counts.SkippedRepeated += tokens.Length - scored;
    }

    // Every token has its full (empty) context. Deduplicated entries are stored with seed 0, never
    // the keyed seed, so that a serialized accumulator does not hold the secret green-list seed.
    private void Score(ReadOnlySpan<int> tokens, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination)
    {
        counts.Tokens += tokens.Length;
        ulong seed = Seed;
        uint threshold = Threshold;
        bool write = !destination.IsEmpty;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
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
