using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.Intrinsics;
using Distill.Detection;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// The <c>hf-synthid</c> compatibility profile: Hugging Face transformers' SynthID-Text
/// (<c>SynthIDTextWatermarkLogitsProcessor</c>, <c>SynthIDTextWatermarkingConfig</c>) reproduced bit
/// for bit on CPU, with Distill's exact detection beside the reference's own figures.
/// </summary>
/// <remarks>
/// <para>
/// <b>Key.</b> An integer key (<see cref="WatermarkKey.FromIntegers"/>) whose words are the
/// reference's <c>keys</c>, one per tournament layer (the depth is their number), each read as a
/// 64-bit two's-complement integer. A 32-byte key without words is refused.
/// </para>
/// <para>
/// <b>Upstream algorithm.</b> A sampling table of <see cref="HfSynthIdOptions.TableSize"/> bits is drawn by
/// <c>torch.randint(0, 2)</c> on a CPU generator seeded with <see cref="HfSynthIdOptions.TableSeed"/>. The
/// hash starts at 1 and folds each value x as h = (h + x) * 6364136223846793005 + 1 modulo 2^64. The
/// context is the last n - 1 generated tokens (zeros before the first; the prompt is never used); the
/// key of a candidate v at depth d hashes the context, then v, then <c>keys[d]</c>, and its g-value is
/// <c>table[key mod size]</c>. Each step: p = softmax(scores); for each depth,
/// p = p (1 + g - sum(g p)); the output is log p. A context whose hash is among the last
/// <see cref="HfSynthIdOptions.ContextHistory"/> hashes is left unwatermarked (its hash is pushed anyway).
/// Detection computes the same g-values for every n-gram of the generated tokens, masks repeated
/// contexts (a fresh history) and everything from the first EOS on, and averages them
/// (<see cref="DetectReference"/> returns the mean and the count).
/// </para>
/// <para>
/// <b>Distill's p-values.</b> Null model: the text does not depend on the key, and the layer keys are
/// random (their low log2(<see cref="HfSynthIdOptions.TableSize"/>) bits, the only ones that reach the
/// table, independent and uniform); the sampling table is what it is, public and fixed. Since the size
/// is a power of two, the g-value of an n-gram with hash H at a layer with key k is T'[(H + k) mod size]
/// for a fixed permutation T' of the table, so a layer's ones over the scored n-grams, as a function of
/// its key's offset, is a circular cross-correlation C of their hash histogram with T', computed exactly
/// for every offset. Under the null the layers' ones are independent draws of C at uniform offsets, and
/// the test is their exact tail: a permutation test over every fresh key, with no Monte-Carlo error.
/// With deduplication (the default) each distinct n-gram (its 64-bit hash) counts once across every
/// document; without, every unmasked n-gram counts, which the null distribution accounts for, so both
/// are valid. <see cref="WatermarkScheme.Detect"/> (<see cref="DetectionStatistic.MeanGValue"/>) reports the exact
/// P[sum_d C(K_d) &gt;= ones] (by exponential tilting and one FFT convolution; the Chernoff bound where
/// the convolution would exceed 2^22 values), <see cref="DetectWeighted"/>
/// (<see cref="DetectionStatistic.WeightedMeanGValue"/>) the Chernoff bound on the weighted sum
/// sum_d w_d C(K_d) from the exact moment generating function (conservative). Localization keeps the
/// per-window binomial over distinct table indices, which assumes a random table (see <see cref="WatermarkScheme.Localize"/>).
/// </para>
/// <para>Instances are immutable and thread-safe; sessions and accumulators are not.</para>
/// </remarks>
public sealed class HfSynthIdScheme : WatermarkScheme
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "hf-synthid";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    /// <summary>The PRF version recorded in descriptors (the reference's hash, version 1).</summary>
    internal const int PrfVersion = 1;

    internal const ulong Multiplier = 6364136223846793005UL;

    private readonly long[] _keys;
    private readonly byte[] _table;
    private readonly double[] _weights;
    private readonly long[] _units;
    private readonly HfSynthIdDetection _reference;
    private HfSynthIdTableSpectrum? _spectrum;

    private HfSynthIdScheme(long[] keys, HfSynthIdOptions options, SchemeDescriptor descriptor)
    {
        _keys = keys;
        Options = options;
        Descriptor = descriptor;
        _reference = new HfSynthIdDetection(keys, options.NgramLength, options.TableSize, options.TableSeed, options.ContextHistory);
        _table = HfSynthIdDetection.SamplingTable(options.TableSeed, options.TableSize);
        int depth = keys.Length;
        _units = new long[depth];
        long totalUnits = 0;
        for (int d = 0; d < depth; d++)
        {
            _units[d] = depth == 1 ? 1 : (10L * (depth - 1)) - (9L * d);
            totalUnits += _units[d];
        }

        UnitScale = (double)depth / totalUnits;
        _weights = new double[depth];
        for (int d = 0; d < depth; d++)
        {
            _weights[d] = _units[d] * UnitScale;
        }
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public HfSynthIdOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the number of tournament layers: the number of the key's words.</summary>
    public int Depth => _keys.Length;

    /// <summary>Gets the reference's layer weights, <c>linspace(10, 1, depth)</c> scaled to sum to the depth (a copy).</summary>
    internal double[] LayerWeights => (double[])_weights.Clone();

    internal ReadOnlySpan<long> Keys => _keys;

    internal ReadOnlySpan<byte> Table => _table;

    internal int TableMask => _table.Length - 1;

    /// <summary>Layer d's weight is <c>Units[d] * UnitScale</c>: integer units make weighted sums exact under merges.</summary>
    internal ReadOnlySpan<long> Units => _units;

    internal double UnitScale { get; }

    /// <summary>The table's spectrum for the null over random keys (shared by every scheme with this table).</summary>
    internal HfSynthIdTableSpectrum Spectrum => _spectrum ??= HfSynthIdTableSpectrum.For(Options.TableSeed, _table);

    /// <summary>Creates the scheme.</summary>
    /// <param name="key">An integer key: one word per layer, the reference's <c>keys</c> as 64-bit two's complement.</param>
    /// <param name="options">The parameters; <see cref="HfSynthIdOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The model's vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not an integer key, or has more than 1024 words.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    public static HfSynthIdScheme Create(WatermarkKey key, HfSynthIdOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsIntegerKey)
        {
            throw new ArgumentException("The hf-synthid profile needs an integer key (WatermarkKey.FromIntegers) whose words are the reference's keys.", nameof(key));
        }

        ReadOnlySpan<ulong> words = key.IntegerWords;
        if (words.Length is < 1 or > 1024)
        {
            throw new ArgumentException("The key must have between 1 and 1024 words (one per tournament layer).", nameof(key));
        }

        options ??= HfSynthIdOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var keys = new long[words.Length];
        for (int d = 0; d < keys.Length; d++)
        {
            keys[d] = unchecked((long)words[d]);
        }

        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfVersion,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            HfSynthId = options,
        };
        return new HfSynthIdScheme(keys, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>hf-synthid</c>.</param>
    /// <param name="key">The integer key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is not an hf-synthid descriptor, names another key, or the key is not an integer key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static HfSynthIdScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfVersion, descriptor?.HfSynthId, key);
        return Create(key, descriptor!.HfSynthId, descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <inheritdoc />
    /// <remarks>The prompt is validated and counted in <see cref="WatermarkSession.Position"/> but never hashed: the reference's context holds generated tokens only.</remarks>
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new HfSynthIdSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <summary>The reference's hash of a context (start 1, then each token): <c>accumulate_hash(ones, context)</c>.</summary>
    /// <param name="context">The n - 1 context tokens, oldest first (zeros before the first generated token).</param>
    /// <returns>The hash as a signed 64-bit integer, as torch holds it.</returns>
    internal static long ContextHash(ReadOnlySpan<int> context)
    {
        unchecked
        {
            ulong h = 1;
            foreach (int x in context)
            {
                h = ((h + (ulong)(long)x) * Multiplier) + 1;
            }

            return (long)h;
        }
    }

    /// <summary>Returns the g-value of candidate <paramref name="token"/> at layer <paramref name="depth"/> after a context with hash <paramref name="contextHash"/>.</summary>
    /// <param name="contextHash">The context's hash (<see cref="ContextHash"/>).</param>
    /// <param name="token">The candidate token id.</param>
    /// <param name="depth">The layer, 0 .. <see cref="Depth"/> - 1.</param>
    /// <returns>0 or 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The token or the layer is out of range.</exception>
    internal int GValue(long contextHash, int token, int depth)
    {
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(depth, Depth);
        return _table[TableIndex(NgramHash(contextHash, token), depth)];
    }

    /// <summary>
    /// The reference's mean detector on generated tokens: the mean g-value over the n-grams its
    /// context-repetition and EOS masks keep, and their count. SynthID-Text reports a score, not a
    /// p-value or a verdict; Distill's p-value is <see cref="WatermarkScheme.Detect"/>'s, and the reference's weighted
    /// mean is <see cref="DetectWeighted"/>'s score.
    /// </summary>
    /// <param name="tokens">The generated tokens only (no prompt).</param>
    /// <returns>The reference's figures (<see cref="ReferenceResult.Score"/> is NaN when every n-gram is masked).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public ReferenceResult DetectReference(ReadOnlySpan<int> tokens)
    {
        HfSynthIdReferenceScores scores = ScoreReference(tokens);
        return new ReferenceResult("SynthID-Text (mean score)", scores.MeanScore, scores.UnmaskedNgrams, null, null, null, null);
    }

    /// <summary>
    /// The reference's figures for generated tokens (what its mean detectors compute): per n-gram
    /// g-values, the context-repetition and EOS masks, the mean and weighted-mean scores over unmasked
    /// n-grams and over all n-grams. These are reported beside Distill's p-values, never instead of them.
    /// </summary>
    /// <param name="tokens">The generated tokens only (no prompt).</param>
    /// <returns>The reference's figures.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    internal HfSynthIdReferenceScores ScoreReference(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        var (g, repetition, eos, mean, weighted, meanAll, weightedAll) = _reference.Score(tokens, Options.EosTokenId);
        var flat = new byte[g.Length * Depth];
        int unmasked = 0;
        for (int i = 0; i < g.Length; i++)
        {
            g[i].CopyTo(flat, i * Depth);
            unmasked += repetition[i] && eos[i] ? 1 : 0;
        }

        return new HfSynthIdReferenceScores(Depth, flat, repetition, eos, unmasked, mean, weighted, meanAll, weightedAll);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Scores generated tokens only (the caller passes them; a prompt would be scored as text). The
    /// statistic is <see cref="DetectionStatistic.MeanGValue"/>; the p-value is the exact tail, over
    /// random layer keys with the table fixed, of the ones the key reads from the scored n-grams (each
    /// distinct n-gram once with deduplication; see the type's remarks). <see cref="DetectionResult.ScoredTokens"/>
    /// counts the unmasked n-grams, <see cref="DetectionResult.GreenTokens"/> is the number of ones over
    /// every layer, <see cref="DetectionResult.Score"/> the mean g-value over the n-grams counted and the layers.
    /// </remarks>
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        var accumulator = new HfSynthIdAccumulator(this, options);
        accumulator.AppendValidated(tokens, default, default);
        return accumulator.GetResult();
    }

    /// <summary>
    /// Tests generated tokens with the reference's weighted mean g-value: the statistic is
    /// <see cref="DetectionStatistic.WeightedMeanGValue"/>, the p-value a conservative Chernoff bound on
    /// the weighted sum of the layers' ones from its exact distribution over random layer keys (the
    /// table fixed; see the type's remarks).
    /// </summary>
    /// <param name="tokens">The generated tokens.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The counts, the weighted mean and the conservative p-value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public DetectionResult DetectWeighted(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        var accumulator = new HfSynthIdAccumulator(this, options ?? DetectionOptions.Default);
        accumulator.AppendValidated(tokens, default, default);
        return accumulator.GetWeightedResult();
    }

    /// <summary>Returns the weighted result (see <see cref="DetectWeighted"/>) of an accumulator of this scheme.</summary>
    /// <param name="accumulator">An accumulator of a scheme with this descriptor.</param>
    /// <returns>The counts, the weighted mean and the conservative p-value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="accumulator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="accumulator"/> is not an hf-synthid accumulator.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="accumulator"/> scores under another descriptor.</exception>
    public DetectionResult GetWeightedResult(WatermarkAccumulator accumulator)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        DescriptorMismatchException.ThrowIfDifferent(Descriptor, accumulator.Descriptor);
        if (accumulator is not HfSynthIdAccumulator typed)
        {
            throw new ArgumentException($"A {accumulator.GetType().Name} is not an hf-synthid accumulator.", nameof(accumulator));
        }

        return typed.GetWeightedResult();
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new HfSynthIdAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => HfSynthIdAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>
    /// Each unmasked n-gram contributes, at its last token, the table indices it reads first (with
    /// deduplication; every lookup without) and their ones. Unlike <see cref="WatermarkScheme.Detect"/>, this statistic
    /// assumes a random sampling table (fair, independent bits): a window holding T such indices with K
    /// ones has the tail P[Binomial(T, 1/2) &gt;= K] under that model, since first reads are distinct
    /// indices. A short window reads few of the table's indices, where that model is a fair description,
    /// but it is not the randomness of the deployed key (the table is public and fixed); the
    /// window grid and the Bonferroni correction over every window searched are those of the other
    /// schemes' localizers. <see cref="WatermarkedSpan.ScoredTokens"/> counts the window's n-grams and
    /// <see cref="WatermarkedSpan.GreenTokens"/> its ones; <see cref="WatermarkedSpan.Score"/> is the
    /// window's mean g-value over its indices.
    /// </remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var trials = new int[tokens.Length];
        var ones = new int[tokens.Length];
        Array.Fill(trials, -1);
        var accumulator = new HfSynthIdAccumulator(this, DetectionOptions.Default with { Deduplicate = options.Deduplicate });
        accumulator.AppendValidated(tokens, trials, ones);
        return LocalizeTrials(trials, ones, options);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A token's value is the mean g-value of the table indices its n-gram reads first (those of
    /// <see cref="LocalizeCore"/>), 1/2 under the model of a fair table; a scored n-gram whose indices
    /// were all read before has no value of its own (NaN) but is still scored.
    /// </remarks>
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        var trials = new int[tokens.Length];
        var ones = new int[tokens.Length];
        Array.Fill(trials, -1);
        var accumulator = new HfSynthIdAccumulator(this, options);
        accumulator.AppendValidated(tokens, trials, ones);
        DetectionResult result = accumulator.GetResult();
        var kinds = new TokenScore[tokens.Length];
        var values = new double[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            kinds[i] = trials[i] >= 0 ? TokenScore.Scored : i < result.SkippedPrefix ? TokenScore.Prefix : TokenScore.Repeated;
            values[i] = trials[i] > 0 ? (double)ones[i] / trials[i] : double.NaN;
        }

        return new TokenEvidence(result, kinds, values, 0.5, "mean g-value of the table indices read first");
    }

    /// <summary>The hash of an n-gram from its context's hash: one more fold, with the candidate.</summary>
    internal static ulong NgramHash(long contextHash, int token) => unchecked((((ulong)contextHash + (ulong)(long)token) * Multiplier) + 1);

    /// <summary>The table index of an n-gram at a depth: the key folded in, modulo the table size.</summary>
    internal int TableIndex(ulong ngramHash, int depth) => unchecked((int)((((ngramHash + (ulong)_keys[depth]) * Multiplier) + 1) & (ulong)TableMask));

    /// <summary>
    /// The reference's <c>update_scores</c> in place, in torch's float32 order: <paramref name="logits"/>
    /// becomes log p, p the tournament's distribution. Entries that were negative infinity stay so; any
    /// other whose probability is 0 becomes <see cref="float.MinValue"/> (the reference's replacement).
    /// The buffers hold the vocabulary size each. The logits must have a finite maximum.
    /// </summary>
    internal void UpdateScores(Span<float> logits, long contextHash, float[] p, float[] g, float[] product)
    {
        int v = logits.Length;
        TorchFloat32.Softmax(logits, p);
        int vectors = v / Vector256<float>.Count * Vector256<float>.Count;
        unchecked
        {
            const uint M = (uint)Multiplier;
            uint step = M * M;
            uint ngram0 = ((uint)contextHash * M) + 1;
            uint mask = (uint)TableMask;
            for (int d = 0; d < _keys.Length; d++)
            {
                // index(v) = ((ngram0 + v M) + key) M + 1 = start + v M^2 (mod 2^32; the table is at most 2^24).
                uint index = ((ngram0 + (uint)_keys[d]) * M) + 1;
                for (int i = 0; i < v; i++)
                {
                    g[i] = _table[(int)(index & mask)];
                    index += step;
                }

                // g * p is p where g = 1 and +0 where g = 0 (p is finite and non-negative): torch's product.
                int k = 0;
                for (; k < vectors; k += Vector256<float>.Count)
                {
                    Vector256.Multiply(Vector256.LoadUnsafe(ref g[k]), Vector256.LoadUnsafe(ref p[k])).StoreUnsafe(ref product[k]);
                }

                for (; k < v; k++)
                {
                    product[k] = g[k] * p[k];
                }

                float mass = TorchFloat32.CascadeSum(product.AsSpan(0, v));
                float lose = 1f - mass, win = 2f - mass;
                Vector256<float> loseV = Vector256.Create(lose), winV = Vector256.Create(win), one = Vector256<float>.One;
                for (k = 0; k < vectors; k += Vector256<float>.Count)
                {
                    Vector256<float> factor = Vector256.ConditionalSelect(Vector256.Equals(Vector256.LoadUnsafe(ref g[k]), one), winV, loseV);
                    Vector256.Multiply(Vector256.LoadUnsafe(ref p[k]), factor).StoreUnsafe(ref p[k]);
                }

                for (; k < v; k++)
                {
                    p[k] *= g[k] != 0 ? win : lose;
                }
            }
        }

        for (int i = 0; i < v; i++)
        {
            if (float.IsNegativeInfinity(logits[i]))
            {
                continue;
            }

            float log = TorchFloat32.Log(p[i]);
            logits[i] = float.IsFinite(log) ? log : float.MinValue;
        }
    }

    /// <summary>The window search over per-position (first-read indices, ones); -1 trials marks positions without an unmasked n-gram.</summary>
    private static LocalizationResult LocalizeTrials(int[] trials, int[] ones, LocalizationOptions options)
    {
        var positions = new List<int>();
        var trialPrefix = new List<long> { 0 };
        var onesPrefix = new List<long> { 0 };
        for (int i = 0; i < trials.Length; i++)
        {
            if (trials[i] >= 0)
            {
                positions.Add(i);
                trialPrefix.Add(trialPrefix[^1] + trials[i]);
                onesPrefix.Add(onesPrefix[^1] + ones[i]);
            }
        }

        return ScoreLocalizer.Search(positions, options, (start, length) =>
        {
            long t = trialPrefix[start + length] - trialPrefix[start];
            long k = onesPrefix[start + length] - onesPrefix[start];
            return 2 * k <= t ? 0.0 : Binomial.LogUpperTail(k, t, 0.5);
        }, (start, length, log10Corrected, log10) =>
        {
            long t = trialPrefix[start + length] - trialPrefix[start];
            long k = onesPrefix[start + length] - onesPrefix[start];
            return new WatermarkedSpan(positions[start], positions[start + length - 1] + 1, length, k, log10Corrected, log10) { Score = (double)k / t };
        });
    }
}
