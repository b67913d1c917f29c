using System;
using System.IO;
using System.Runtime.CompilerServices;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;
using Distill.Statistics;

namespace Distill.Gumbel;

/// <summary>
/// The Gumbel-max watermark, Aaronson's "exponential" scheme (S. Aaronson, "Watermarking of large
/// language models", 2022–2023; also J. Kirchner's implementation; the scheme vLLM ships), version 1.
/// </summary>
/// <remarks>
/// <para>
/// At each step a keyed pseudo-random function of the previous <see cref="GumbelOptions.ContextWidth"/>
/// tokens gives a uniform r_v in (0, 1) for every vocabulary id v, and the token chosen is
/// x = argmax_v r_v^(1/p_v) = argmax_v (l_v - ln(-ln r_v)) over the finite logits l (already
/// temperature-scaled log-probabilities; ties: the lowest id): Gumbel-max sampling with keyed noise.
/// Over random keys the choice is distributed exactly as softmax(l) (distortion-free per token); for
/// one key it is deterministic given the context. The session makes the logits one-hot on the
/// chosen token. A step whose context already occurred earlier in the session is left
/// unwatermarked (the caller samples normally), which avoids repetition loops.
/// </para>
/// <para>
/// Detection sums -ln(1 - r_x) over the scored tokens; under the null hypothesis each term is Exp(1),
/// so the sum S of n terms is Gamma(n, 1) and the exact p-value is Q(n, S), computed in log space.
/// With deduplication (the default) each distinct context of a document is scored once, at its first
/// occurrence (see <c>docs/schemes/gumbel.md</c>). With <see cref="GumbelOptions.Variants"/> K above 1,
/// each session draws one of K keyed variants and detection reports K times the smallest of the K
/// p-values (Bonferroni).
/// </para>
/// <para>
/// The functions are specified bit for bit in <c>docs/schemes/gumbel.md</c>, keyed with the sub-key
/// <c>scheme/gumbel/v1</c>; the vectorized and scalar paths choose the same token.
/// Instances are immutable and thread-safe; sessions are not.
/// </para>
/// </remarks>
public sealed class GumbelScheme : WatermarkScheme
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "gumbel";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    internal const string SubKeyPurpose = "scheme/gumbel/v1";

    /// <summary>The fixed-point scale of scores in sums: each term is rounded down to a multiple of 2^-32, so sums are exact and merge in any order.</summary>
    internal const double FixedScale = 4294967296.0;

    /// <summary>Tokens per chunk of <see cref="Score"/>: its buffers (about 17 KiB) stay in the L1 cache.</summary>
    private const int ChunkLength = 1024;

    /// <summary>How many inserts ahead <see cref="Score"/> prefetches.</summary>
    private const int PrefetchDistance = 16;

    private readonly GumbelPrf _prf;
    private readonly ulong[] _variantWords;

    private GumbelScheme(WatermarkKey key, GumbelOptions options, SchemeDescriptor descriptor)
    {
        Options = options;
        Descriptor = descriptor;
        _prf = new GumbelPrf(key.Derive(SubKeyPurpose));
        _variantWords = new ulong[options.Variants];
        for (int v = 0; v < _variantWords.Length; v++)
        {
            _variantWords[v] = _prf.VariantWord(v);
        }
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public GumbelOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    internal int ContextWidth => Options.ContextWidth;

    internal int Variants => _variantWords.Length;

    internal ref readonly GumbelPrf Prf => ref _prf;

    /// <summary>Creates a Gumbel-max scheme.</summary>
    /// <param name="key">The watermark key.</param>
    /// <param name="options">The parameters; <see cref="GumbelOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    public static GumbelScheme Create(WatermarkKey key, GumbelOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= GumbelOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfV1.Version,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            Gumbel = options,
        };
        return new GumbelScheme(key, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>gumbel</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is for another scheme, or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static GumbelScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(key);
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor.Gumbel, key);
        return Create(key, descriptor.Gumbel!, descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <inheritdoc />
    /// <remarks>
    /// With more than one variant, the session draws its variant uniformly from a cryptographic random
    /// number generator, and draws again at each <see cref="WatermarkSession.Reset(ReadOnlySpan{int})"/>.
    /// </remarks>
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new GumbelSession(this, variant: -1);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Creates a session that always uses the given variant (deterministic output; tests, replays).</summary>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <param name="variant">The variant, from 0 to <see cref="GumbelOptions.Variants"/> - 1.</param>
    /// <returns>A new session; not thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="variant"/> is out of range, or a prompt token is outside the vocabulary.</exception>
    public WatermarkSession CreateSession(ReadOnlySpan<int> prompt, int variant)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(variant);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(variant, Variants);
        var session = new GumbelSession(this, variant);
        session.Reset(prompt);
        return session;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The statistic is <see cref="DetectionStatistic.GumbelScore"/>: S, the sum of -ln(1 - r) over the
    /// n scored tokens, with p = Q(n, S). With K variants, S is that of the variant with the smallest
    /// p-value and the p-value reported is K times it (Bonferroni), capped at 1.
    /// </remarks>
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        return ScoreDocument(tokens, default, 0, options.Deduplicate, options.MinimumScoredTokens);
    }

    /// <summary>Writes each token's detection value, -ln(1 - r) under variant <paramref name="variant"/>, or NaN for a token not scored.</summary>
    /// <param name="tokens">The token ids of the text (one document).</param>
    /// <param name="destination">Receives one value per token; at least as long as <paramref name="tokens"/>.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="variant">The variant whose values are written, from 0 to <see cref="GumbelOptions.Variants"/> - 1.</param>
    /// <returns>The same result <see cref="WatermarkScheme.Detect"/> returns.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short; nothing is written.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id or the variant is out of range; nothing is written.</exception>
    internal DetectionResult ScoreTokens(ReadOnlySpan<int> tokens, Span<double> destination, DetectionOptions? options = null, int variant = 0)
    {
        options ??= DetectionOptions.Default;
        if (destination.Length < tokens.Length)
        {
            throw new ArgumentException($"The destination needs {tokens.Length} elements.", nameof(destination));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(variant);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(variant, Variants);
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return ScoreDocument(tokens, destination, variant, options.Deduplicate, options.MinimumScoredTokens);
    }

    /// <inheritdoc />
    /// <remarks>With K variants, the values are those of the variant whose sum is the reported score (the most significant).</remarks>
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        DetectionResult? result = null;
        double[]? best = null;
        double bestGap = double.PositiveInfinity;
        for (int v = 0; v < Variants; v++)
        {
            double[] values = TokenEvidence.NaNs(tokens.Length);
            result = ScoreDocument(tokens, values, v, options.Deduplicate, options.MinimumScoredTokens);
            double sum = 0.0;
            foreach (double value in values)
            {
                sum += double.IsNaN(value) ? 0.0 : value;
            }

            double gap = Math.Abs(sum - result.Score);
            if (gap < bestGap)
            {
                (best, bestGap) = (values, gap);
            }
        }

        return TokenEvidence.FromValues(result!, best!, 1.0, "-ln(1 - r), Exp(1) under the null");
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new GumbelAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => GumbelAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>
    /// Per-token values are -ln(1 - r), Exp(1) under the null, and a window of n values summing to s
    /// has the tail Q(n, s). Each span's p-value is Bonferroni-corrected for every window searched and,
    /// with K variants, for the K variants searched (the windows are searched under each variant at
    /// level alpha / K and the variant with the most significant span is reported).
    /// </remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var values = new double[tokens.Length];
        int k = Variants;
        LocalizationOptions perVariant = k == 1 ? options : options with { Alpha = options.Alpha / k };
        double log10K = Math.Log10(k);
        LocalizationResult? best = null;
        for (int v = 0; v < k; v++)
        {
            var window = default(HashWindow);
            var counts = default(GreenListCounts);
            ContextSeedSet? seen = options.Deduplicate ? new ContextSeedSet(tokens.Length, pooled: true) : null;
            Score(tokens, ref window, seen, null, ref counts, default, values, v);
            seen?.ReturnToPool();
            LocalizationResult found = ScoreLocalizer.Localize(values, 1.0, static (n, s) => GammaDistribution.LogUpperTail(n, s), perVariant);
            if (best is null || (found.Spans.Count > 0 && (best.Spans.Count == 0 || found.Spans[0].Log10PValue < best.Spans[0].Log10PValue)))
            {
                best = found;
            }
        }

        if (k == 1)
        {
            return best!;
        }

        var spans = new WatermarkedSpan[best!.Spans.Count];
        for (int i = 0; i < spans.Length; i++)
        {
            WatermarkedSpan s = best.Spans[i];
            spans[i] = s with { Log10PValue = Math.Min(0.0, s.Log10PValue + log10K) };
        }

        return new LocalizationResult(spans, best.WindowsSearched * k, best.ScoredTokens, options.Alpha);
    }

    // One whole document, already validated.
    private DetectionResult ScoreDocument(ReadOnlySpan<int> tokens, Span<double> values, int variant, bool deduplicate, int minimumScoredTokens)
    {
        var window = default(HashWindow);
        var counts = default(GreenListCounts);
        ContextSeedSet? seen = deduplicate ? new ContextSeedSet(tokens.Length, pooled: true) : null;
        Span<UInt128> sums = Variants <= 64 ? stackalloc UInt128[Variants] : new UInt128[Variants];
        try
        {
            Score(tokens, ref window, seen, null, ref counts, sums, values, variant);
        }
        finally
        {
            seen?.ReturnToPool();
        }

        return Result(counts, sums, deduplicate, minimumScoredTokens);
    }

    /// <summary>The result for counts and per-variant fixed-point sums.</summary>
    internal DetectionResult Result(in GreenListCounts counts, ReadOnlySpan<UInt128> sums, bool deduplicated, int minimumScoredTokens)
    {
        long n = counts.Scored;
        double bestScore = 0.0, bestLog10 = 0.0;
        if (n > 0)
        {
            bestLog10 = double.PositiveInfinity;
            foreach (UInt128 sum in sums)
            {
                double s = (double)sum / FixedScale;
                double log10 = GammaDistribution.Log10UpperTail(n, s);
                if (log10 < bestLog10)
                {
                    bestLog10 = log10;
                    bestScore = s;
                }
            }

            bestLog10 = Math.Min(0.0, bestLog10 + Math.Log10(sums.Length));
        }

        double z = n > 0 ? (bestScore - n) / Math.Sqrt(n) : 0.0;
        return new DetectionResult(Descriptor, counts, DetectionStatistic.GumbelScore, bestScore, double.NaN, deduplicated, minimumScoredTokens, z, bestLog10);
    }

    /// <summary>The fixed-point value of a detection value: rounded down to a multiple of 2^-32 (so sums never overstate the evidence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ToFixed(double value) => (ulong)(value * FixedScale);

    /// <summary>The step seed of a context seed under a variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong StepSeed(ulong contextSeed, int variant) => GumbelPrf.StepSeed(contextSeed, _variantWords[variant]);

    /// <summary>Adds the fixed-point value of (context seed, token) under every variant to <paramref name="sums"/>; returns the value under <paramref name="variant"/>.</summary>
    internal double AddValues(ulong contextSeed, int token, Span<UInt128> sums, int variant)
    {
        double recorded = 0.0;
        for (int v = 0; v < _variantWords.Length; v++)
        {
            double value = GumbelPrf.TokenValue(GumbelPrf.StepSeed(contextSeed, _variantWords[v]), token);
            sums[v] += ToFixed(value);
            if (v == variant)
            {
                recorded = value;
            }
        }

        return recorded;
    }

    /// <summary>
    /// Scores tokens (already validated), continuing the document whose state is <paramref name="window"/>
    /// and <paramref name="seen"/> (the contexts of the document, when deduplicating); <paramref name="pairs"/>,
    /// when given, holds the (context seed, token) pairs scored in earlier documents. With empty
    /// <paramref name="sums"/>, only the values under <paramref name="variant"/> are computed.
    /// </summary>
    /// <remarks>
    /// Works chunk by chunk: first the token hashes (independent, so they pipeline), then the context
    /// seeds, then the deduplication inserts, each prefetching the slot of the insert
    /// <see cref="PrefetchDistance"/> ahead so that the cache misses of a large table overlap, then the
    /// values. Gives exactly the results of pushing tokens one at a time.
    /// </remarks>
    [SkipLocalsInit]
    internal void Score(ReadOnlySpan<int> tokens, ref HashWindow window, ContextSeedSet? seen, SeedTokenSet? pairs, ref GreenListCounts counts, Span<UInt128> sums, Span<double> values, int variant)
    {
        const int Lead = GumbelOptions.MaxContextWidth;
        int h = ContextWidth;
        bool record = !values.IsEmpty;
        counts.Tokens += tokens.Length;
        if (tokens.IsEmpty)
        {
            return;
        }

        int chunkLength = Math.Min(ChunkLength, tokens.Length);
        Span<ulong> hashes = stackalloc ulong[Lead + chunkLength];
        Span<ulong> contexts = stackalloc ulong[chunkLength];
        Span<bool> scored = stackalloc bool[chunkLength];
        int available = window.Count;
        window.Last(available).CopyTo(hashes[(Lead - available)..]);
        long position = window.Seen;
        for (int start = 0; start < tokens.Length; start += chunkLength)
        {
            int n = Math.Min(chunkLength, tokens.Length - start);
            ReadOnlySpan<int> chunk = tokens.Slice(start, n);
            for (int j = 0; j < n; j++)
            {
                hashes[Lead + j] = _prf.TokenHash(chunk[j]);
            }

            // Positions before the h-th token of the document lack a full context.
            int first = (int)Math.Clamp(h - position, 0, n);
            counts.SkippedPrefix += first;
            for (int j = first; j < n; j++)
            {
                contexts[j] = _prf.ContextSeed(hashes.Slice(Lead + j - h, h));
            }

            for (int j = 0; j < n; j++)
            {
                bool score = j >= first;
                if (score && seen is not null)
                {
                    if (j + PrefetchDistance < n)
                    {
                        seen.Prefetch(contexts[j + PrefetchDistance]);
                    }

                    score = seen.Add(contexts[j]) && (pairs is null || pairs.TryAdd(contexts[j], chunk[j], false));
                    if (!score)
                    {
                        counts.SkippedRepeated++;
                    }
                }

                scored[j] = score;
            }

            for (int j = 0; j < n; j++)
            {
                double value = double.NaN;
                if (scored[j])
                {
                    counts.Scored++;
                    value = sums.IsEmpty
                        ? GumbelPrf.TokenValue(StepSeed(contexts[j], variant), chunk[j])
                        : AddValues(contexts[j], chunk[j], sums, variant);
                }

                if (record)
                {
                    values[start + j] = value;
                }
            }

            // Keep the newest hashes in front of the next chunk.
            int keep = (int)Math.Min(h, available + n);
            hashes.Slice(Lead + n - keep, keep).CopyTo(hashes[(Lead - keep)..]);
            available = keep;
            position += n;
        }

        window.SetNewest(hashes.Slice(Lead - available, available), tokens.Length);
    }

    /// <inheritdoc />
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new Radioactivity.GumbelRadioactivityScorer(this);
}
