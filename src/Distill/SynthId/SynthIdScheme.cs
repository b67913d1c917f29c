using System;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;

namespace Distill.SynthId;

/// <summary>
/// The SynthID-Text tournament watermark (Dathathri et al., "Scalable watermarking for identifying
/// large language model outputs", Nature 634:818, 2024), Distill's keyed version 1: the
/// non-distortionary two-leaf tournament in closed form over the top-k candidates, with
/// repeated-context masking, and mean, weighted-mean and Bayesian detectors.
/// </summary>
/// <remarks>
/// <para>
/// Each (context, candidate) pair has one g-value per tournament layer, a fair bit from a keyed
/// pseudo-random function of the previous <see cref="SynthIdOptions.ContextWidth"/> tokens and the
/// candidate (sub-key <c>scheme/synthid/v1</c>, specified in <c>docs/schemes/synthid.md</c>). At each
/// step the top-k distribution p is reweighted layer by layer, p(v) &lt;- p(v) (1 + g_l(v) - sum_u g_l(u) p(u)),
/// and written back as log-probabilities, so the caller's sampler draws from it. Averaged over keys
/// the reweighted distribution equals p: the watermark does not change the model's distribution.
/// Detection counts g-values equal to 1 over scored tokens and layers: exact binomial p-value
/// (<see cref="WatermarkScheme.Detect"/>) or a conservative Chernoff bound for the weighted mean
/// (<see cref="DetectWeighted"/>); <see cref="SynthIdBayesianDetector"/> learns a likelihood ratio.
/// </para>
/// <para>
/// The g-values are not those of the Hugging Face / DeepMind reference (a different hash): text
/// watermarked by one is not detected by the other.
/// </para>
/// <para>Instances are immutable and thread-safe; sessions are not.</para>
/// </remarks>
public sealed class SynthIdScheme : WatermarkScheme
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "synthid";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    internal const string SubKeyPurpose = "scheme/synthid/v1";

    private readonly SynthIdPrf _prf;
    private readonly double[] _weights;

    private SynthIdScheme(WatermarkKey key, SynthIdOptions options, SchemeDescriptor descriptor)
    {
        Options = options;
        Descriptor = descriptor;
        _prf = new SynthIdPrf(key.Derive(SubKeyPurpose));
        Depth = options.Depth;
        DepthMask = options.Depth == 64 ? ulong.MaxValue : (1UL << options.Depth) - 1;
        _weights = SynthIdStatistics.Weights(options.Depth);
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public SynthIdOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the weighted detector's layer weights: <c>linspace(10, 1, depth)</c> scaled to sum to the depth (a copy).</summary>
    internal double[] LayerWeights => (double[])_weights.Clone();

    internal int Depth { get; }

    /// <summary>The low <see cref="Depth"/> bits.</summary>
    internal ulong DepthMask { get; }

    internal ReadOnlySpan<double> Weights => _weights;

    internal ref readonly SynthIdPrf Prf => ref _prf;

    /// <summary>Creates a SynthID-Text scheme.</summary>
    /// <param name="key">The watermark key.</param>
    /// <param name="options">The parameters; <see cref="SynthIdOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    public static SynthIdScheme Create(WatermarkKey key, SynthIdOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= SynthIdOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfV1.Version,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            SynthId = options,
        };
        return new SynthIdScheme(key, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>synthid</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not a SynthID descriptor, or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static SynthIdScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor?.SynthId, key);
        return Create(key, descriptor!.SynthId, descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <inheritdoc />
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new SynthIdSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Returns the g-values of <paramref name="token"/> after <paramref name="context"/>: bit l (from the least significant) is layer l's.</summary>
    /// <param name="context">The tokens before it; only the last <see cref="SynthIdOptions.ContextWidth"/> count, and there must be at least that many.</param>
    /// <param name="token">The candidate token.</param>
    /// <returns>The g-word masked to the low <see cref="SynthIdOptions.Depth"/> bits.</returns>
    /// <exception cref="ArgumentException"><paramref name="context"/> is shorter than the context width.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    internal ulong GValues(ReadOnlySpan<int> context, int token)
    {
        int width = Options.ContextWidth;
        if (context.Length < width)
        {
            throw new ArgumentException($"The context needs at least {width} tokens.", nameof(context));
        }

        LogitsGuard.ValidateTokens(context, VocabularySize, nameof(context));
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        ulong seed = _prf.SeedStart;
        foreach (int t in context[^width..])
        {
            seed = SynthIdPrf.SeedStep(seed, _prf.TokenHash(t));
        }

        return _prf.GWord(seed, _prf.TokenHash(token)) & DepthMask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The statistic is <see cref="DetectionStatistic.MeanGValue"/>: the mean g-value over scored
    /// tokens and layers, with the exact p-value P[Binomial(n m, 1/2) &gt;= ones]. The first
    /// <see cref="SynthIdOptions.ContextWidth"/> tokens, tokens whose context occurred among the
    /// previous <see cref="SynthIdOptions.ContextHistory"/> contexts, and (with deduplication)
    /// repeated (context, token) pairs are not scored.
    /// </remarks>
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        SynthIdCounts counts = ScoreDocument(tokens, options.Deduplicate, default, default);
        return MeanResult(counts, options.Deduplicate, options.MinimumScoredTokens);
    }

    /// <summary>
    /// Tests one token stream with the weighted mean g-value (the reference's layer weights,
    /// <see cref="LayerWeights"/>): the statistic is <see cref="DetectionStatistic.WeightedMeanGValue"/>
    /// and the p-value is a conservative Chernoff bound (never below the exact tail).
    /// </summary>
    /// <param name="tokens">The token ids of the text.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The counts, the weighted mean and the conservative p-value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public DetectionResult DetectWeighted(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        options ??= DetectionOptions.Default;
        SynthIdCounts counts = ScoreDocument(tokens, options.Deduplicate, default, default);
        return WeightedResult(counts, options.Deduplicate, options.MinimumScoredTokens);
    }

    /// <summary>Returns the weighted-mean result (see <see cref="DetectWeighted"/>) of an accumulator of this scheme.</summary>
    /// <param name="accumulator">An accumulator made by <see cref="WatermarkScheme.CreateAccumulator"/> or <see cref="WatermarkScheme.ReadAccumulator"/> of a scheme with this descriptor.</param>
    /// <returns>The counts, the weighted mean and the conservative p-value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="accumulator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="accumulator"/> is not a SynthID accumulator.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="accumulator"/> scores under another descriptor.</exception>
    public DetectionResult GetWeightedResult(WatermarkAccumulator accumulator)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        DescriptorMismatchException.ThrowIfDifferent(Descriptor, accumulator.Descriptor);
        if (accumulator is not SynthIdAccumulator typed)
        {
            throw new ArgumentException($"A {accumulator.GetType().Name} is not a SynthID accumulator.", nameof(accumulator));
        }

        return typed.GetWeightedResult();
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new SynthIdAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => SynthIdAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>
    /// Each token's value is its number of g-values equal to 1 (NaN when not scored); a window of n
    /// scored tokens with sum s has the exact tail P[Binomial(n m, 1/2) &gt;= s], Bonferroni-corrected
    /// for every window searched.
    /// </remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var ones = new double[tokens.Length];
        ScoreDocument(tokens, options.Deduplicate, ones, default);
        int depth = Depth;
        return ScoreLocalizer.Localize(ones, depth / 2.0, (n, sum) => SynthIdStatistics.LogMeanTail((long)Math.Round(sum), n, depth), options);
    }

    /// <inheritdoc />
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        double[] ones = TokenEvidence.NaNs(tokens.Length);
        SynthIdCounts counts = ScoreDocument(tokens, options.Deduplicate, ones, default);
        return TokenEvidence.FromValues(MeanResult(counts, options.Deduplicate, options.MinimumScoredTokens), ones, Depth / 2.0, $"g-values equal to 1 among the {Depth} layers");
    }

    internal DetectionResult MeanResult(SynthIdCounts counts, bool deduplicated, int minimumScoredTokens)
    {
        long trials = counts.Scored * Depth;
        double score = trials > 0 ? (double)counts.Ones / trials : 0.0;
        double z = trials > 0 ? (counts.Ones - (trials / 2.0)) / Math.Sqrt(trials / 4.0) : 0.0;
        double log10P = counts.Scored >= minimumScoredTokens ? SynthIdStatistics.LogMeanTail(counts.Ones, counts.Scored, Depth) / Math.Log(10.0) : 0.0;
        return new DetectionResult(Descriptor, counts.ToGreenListCounts(), DetectionStatistic.MeanGValue, score, double.NaN, deduplicated, minimumScoredTokens, z, log10P);
    }

    internal DetectionResult WeightedResult(SynthIdCounts counts, bool deduplicated, int minimumScoredTokens)
    {
        Span<long> layers = stackalloc long[Depth];
        counts.Layers.CopyTo(layers);
        double s = 0.0;
        for (int l = 0; l < layers.Length; l++)
        {
            s += _weights[l] * layers[l];
        }

        long trials = counts.Scored * Depth;
        double score = trials > 0 ? s / trials : 0.0;
        var (mean, sd) = SynthIdStatistics.WeightedMoments(counts.Scored, _weights);
        double z = sd > 0 ? (s - mean) / sd : 0.0;
        double log10P = counts.Scored >= minimumScoredTokens ? SynthIdStatistics.LogWeightedTail(layers, counts.Scored, _weights) / Math.Log(10.0) : 0.0;
        return new DetectionResult(Descriptor, counts.ToGreenListCounts(), DetectionStatistic.WeightedMeanGValue, score, double.NaN, deduplicated, minimumScoredTokens, z, log10P);
    }

    /// <summary>Scores one whole document (tokens already validated) with pooled tables.</summary>
    internal SynthIdCounts ScoreDocument(ReadOnlySpan<int> tokens, bool deduplicate, Span<double> ones, Span<ulong> words)
    {
        var counts = default(SynthIdCounts);
        var stream = default(SynthIdStream);
        stream.Recent = Options.ContextHistory > 0 ? new ContextPositionMap(tokens.Length, pooled: true) : null;
        SeedTokenSet? seen = deduplicate ? new SeedTokenSet(tokens.Length, pooled: true) : null;
        try
        {
            Score(tokens, ref stream, seen, ref counts, ones, words);
        }
        finally
        {
            seen?.ReturnToPool();
            stream.Recent?.ReturnToPool();
        }

        return counts;
    }

    /// <summary>
    /// Scores tokens (already validated), continuing the document whose state is <paramref name="stream"/>.
    /// When not empty, <paramref name="ones"/> receives each token's count of ones (NaN when not scored)
    /// and <paramref name="words"/> each scored token's g-word (0 when not scored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Score(ReadOnlySpan<int> tokens, ref SynthIdStream stream, SeedTokenSet? seen, ref SynthIdCounts counts, Span<double> ones, Span<ulong> words)
    {
        int width = Options.ContextWidth;
        int history = Options.ContextHistory;
        ulong mask = DepthMask;
        bool recordOnes = !ones.IsEmpty, recordWords = !words.IsEmpty;
        ContextPositionMap? recent = stream.Recent;
        long contexts = stream.Contexts;
        counts.Tokens += tokens.Length;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            ulong hash = _prf.TokenHash(token);
            if (!stream.Window.IsFull(width))
            {
                stream.Window.Push(hash, width);
                counts.SkippedPrefix++;
                Skip(ones, words, i, recordOnes, recordWords);
                continue;
            }

            ulong seed = _prf.ContextSeed(stream.Window.Last(width));
            stream.Window.Push(hash, width);
            bool masked = recent is not null && recent.CheckAndSet(seed, contexts, history);
            contexts++;
            if (masked)
            {
                counts.SkippedMasked++;
                Skip(ones, words, i, recordOnes, recordWords);
                continue;
            }

            if (seen is not null && !seen.TryAdd(seed, token, false))
            {
                counts.SkippedDuplicate++;
                Skip(ones, words, i, recordOnes, recordWords);
                continue;
            }

            ulong word = _prf.GWord(seed, hash) & mask;
            counts.Scored++;
            int count = BitOperations.PopCount(word);
            counts.Ones += count;
            counts.Layers.Add(word);
            if (recordOnes)
            {
                ones[i] = count;
            }

            if (recordWords)
            {
                words[i] = word;
            }
        }

        stream.Contexts = contexts;
    }

    /// <summary>
    /// One watermarked step: the top-k softmax, the tournament layer by layer, and the log of the result
    /// written into <paramref name="logits"/> (every other entry negative infinity). The buffers hold TopK elements.
    /// </summary>
    internal void Embed(Span<float> logits, ulong seed, int[] ids, float[] values, double[] probabilities, ulong[] words)
    {
        int k = KgwSession.SelectTopCandidates(logits, ids, values);
        if (k == 0)
        {
            // Every logit is masked: nothing to choose from, nothing to change.
            return;
        }

        // The specified order (logit descending, then id ascending) fixes every sum's rounding.
        SortCandidates(ids.AsSpan(0, k), values.AsSpan(0, k));
        float max = values[0];

        double sum = 0.0;
        for (int i = 0; i < k; i++)
        {
            double e = Math.Exp((double)values[i] - max);
            probabilities[i] = e;
            sum += e;
            words[i] = _prf.GWord(seed, _prf.TokenHash(ids[i]));
        }

        for (int i = 0; i < k; i++)
        {
            probabilities[i] /= sum;
        }

        Tournament(probabilities.AsSpan(0, k), words.AsSpan(0, k), Depth);
        logits.Fill(float.NegativeInfinity);
        for (int i = 0; i < k; i++)
        {
            logits[ids[i]] = (float)Math.Log(probabilities[i]);
        }
    }

    /// <summary>
    /// The two-leaf tournament in closed form (the reference's <c>update_scores</c>): for layers
    /// l = 0 .. depth - 1, p(v) &lt;- p(v) (1 + g_l(v) - sum_u g_l(u) p(u)). With z the mass of the
    /// candidates whose g-value is 0 (summed in candidate order), 1 - sum_u g_l(u) p(u) = z, so the
    /// factors are computed as 1 + z and z: no cancellation when almost all the mass has g = 1.
    /// </summary>
    internal static void Tournament(Span<double> p, ReadOnlySpan<ulong> words, int depth)
    {
        for (int l = 0; l < depth; l++)
        {
            double zero = 0.0;
            for (int i = 0; i < p.Length; i++)
            {
                zero += ((words[i] >> l) & 1UL) != 0 ? 0.0 : p[i];
            }

            double win = 1.0 + zero, lose = zero;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] *= ((words[i] >> l) & 1UL) != 0 ? win : lose;
            }
        }
    }

    /// <summary>Insertion sort by logit descending, then id ascending (k is small).</summary>
    private static void SortCandidates(Span<int> ids, Span<float> values)
    {
        for (int i = 1; i < ids.Length; i++)
        {
            int id = ids[i];
            float value = values[i];
            int j = i - 1;
            while (j >= 0 && (values[j] < value || (values[j] == value && ids[j] > id)))
            {
                ids[j + 1] = ids[j];
                values[j + 1] = values[j];
                j--;
            }

            ids[j + 1] = id;
            values[j + 1] = value;
        }
    }

    private static void Skip(Span<double> ones, Span<ulong> words, int i, bool recordOnes, bool recordWords)
    {
        if (recordOnes)
        {
            ones[i] = double.NaN;
        }

        if (recordWords)
        {
            words[i] = 0;
        }
    }

    /// <inheritdoc />
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new Radioactivity.SynthIdRadioactivityScorer(this);
}
