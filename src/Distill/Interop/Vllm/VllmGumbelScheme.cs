using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using Distill.Detection;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// vLLM's Gumbel-max watermark, bit for bit: profiles <c>vllm-gumbel</c> and
/// <c>vllm-dual-key-gumbel</c> (vLLM v0.30+, PRF <c>philox4x32-10-v1</c>), for text that vLLM
/// generated or that a .NET pipeline generates for vLLM's detector.
/// </summary>
/// <remarks>
/// <para>
/// The key is vLLM's unsigned 64-bit integer (an integer key, see <see cref="WatermarkKey.FromIntegers"/>).
/// The context is the previous <see cref="VllmOptions.ContextWidth"/> generated tokens, oldest first,
/// with 0xFFFFFFFF before the first one; the prompt is never used. The context is absorbed into a
/// 128-bit Philox4x32-10 state, each token id gets a 24-bit mantissa m from one Philox call per four
/// ids, and u = (float)((m + 1) / (2^24 + 1)). Embedding picks argmax(l - log(-log u)) in float32
/// over the finite logits (after temperature and truncation), and leaves a step whose context
/// already occurred in the last <see cref="VllmOptions.LookBack"/> positions unwatermarked. The
/// dual-key variant uses key B (SHA-256 sub-keys of the key) at a step with probability alpha.
/// </para>
/// <para>
/// Detection walks the tokens it is given as one response and, with deduplication, scores each
/// token only at the first occurrence of its context (vLLM's rule). <see cref="DetectReference(ReadOnlySpan{int}, bool)"/>
/// returns vLLM's own figures: the sum of -ln(1 - u), its Gamma p-value (for the dual key the
/// moment-matched Gamma(n / v, S / v) with v = (1 - alpha)^2 + alpha^2) and its verdict p &lt;= 0.01.
/// <see cref="WatermarkScheme.Detect"/> returns Distill's p-value, which is conservative where vLLM's is not: each
/// term is -ln(1 - m / (2^24 + 1)), which under the null is stochastically smaller than Exp(1)
/// (the discrete uniform of the mantissa is not continuous), so Q(n, S) is a valid p-value; for the
/// dual key, the fused sum (1 - alpha) A + alpha B of two independent Gamma(n, 1) sums gets a
/// Chernoff bound from its exact moment generating function instead of vLLM's approximation.
/// </para>
/// <para>Instances are immutable and thread-safe; sessions and accumulators are not.</para>
/// </remarks>
public sealed class VllmGumbelScheme : WatermarkScheme
{
    /// <summary>The single-key profile's name in descriptors.</summary>
    public const string SchemeName = "vllm-gumbel";

    /// <summary>The dual-key profile's name in descriptors.</summary>
    public const string DualKeySchemeName = "vllm-dual-key-gumbel";

    /// <summary>The profile version this type implements.</summary>
    public const int Version = 1;

    /// <summary>The PRF version: vLLM's <c>philox4x32-10-v1</c>.</summary>
    internal const int PrfVersion = 1;

    /// <summary>vLLM's verdict threshold on its p-value.</summary>
    public const double ReferenceThreshold = 0.01;

    private const double MantissaScale = 16777217.0; // 2^24 + 1

    private readonly VllmPrf _prfA;
    private readonly VllmPrf _prfB;

    private VllmGumbelScheme(ulong key, VllmOptions options, SchemeDescriptor descriptor)
    {
        Options = options;
        Descriptor = descriptor;
        _prfA = new VllmPrf(options.DualKey ? VllmDetection.DeriveKey(key, "key_a") : key, options.ContextWidth);
        _prfB = new VllmPrf(options.DualKey ? VllmDetection.DeriveKey(key, "key_b") : key, options.ContextWidth);
    }

    /// <summary>Gets the profile's parameters.</summary>
    public VllmOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    internal ref readonly VllmPrf PrfA => ref _prfA;

    internal ref readonly VllmPrf PrfB => ref _prfB;

    /// <summary>Creates the profile for vLLM's key.</summary>
    /// <param name="key">An integer key of one word: vLLM's unsigned 64-bit key.</param>
    /// <param name="options">The parameters; <see cref="VllmOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not an integer key of one word.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    public static VllmGumbelScheme Create(WatermarkKey key, VllmOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsIntegerKey || key.IntegerWords.Length != 1)
        {
            throw new ArgumentException("vLLM's watermark takes an unsigned 64-bit key: pass WatermarkKey.FromIntegers([key]).", nameof(key));
        }

        options ??= VllmOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var descriptor = new SchemeDescriptor
        {
            Scheme = options.SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfVersion,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            Vllm = options,
        };
        return new VllmGumbelScheme(key.IntegerWords[0], options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>vllm-gumbel</c> or <c>vllm-dual-key-gumbel</c>.</param>
    /// <param name="key">The integer key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is for another scheme, or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's version is not implemented by this release.</exception>
    internal static VllmGumbelScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        SchemeDescriptor.CheckFor(descriptor, descriptor.Vllm?.SchemeName ?? SchemeName, Version, PrfVersion, descriptor.Vllm, key);
        return Create(key, descriptor.Vllm!, descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <inheritdoc />
    /// <remarks>The prompt is not part of vLLM's context; the dual-key routing draws from a seed taken from the operating system's random number generator.</remarks>
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new VllmGumbelSession(this, routingSeed: null);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Creates a session whose dual-key routing is drawn from <paramref name="routingSeed"/> (deterministic output; tests, replays).</summary>
    /// <param name="prompt">The prompt's token ids (validated; not part of vLLM's context).</param>
    /// <param name="routingSeed">The seed of the per-step key choice (ignored for one key).</param>
    /// <returns>A new session; not thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the vocabulary.</exception>
    public WatermarkSession CreateSession(ReadOnlySpan<int> prompt, int routingSeed)
    {
        var session = new VllmGumbelSession(this, routingSeed);
        session.Reset(prompt);
        return session;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The statistic is <see cref="DetectionStatistic.GumbelScore"/>: the sum S of the conservative
    /// scores -ln(1 - m / (2^24 + 1)) (fused with weight alpha for the dual key) over the n scored
    /// tokens. One key: p = Q(n, S), exact for the continuous Exp(1) terms that stochastically dominate
    /// them. Dual key: the Chernoff bound of (1 - alpha) Gamma(n) + alpha Gamma(n). Tokens are one
    /// response (context padding at the start); nothing is skipped as a prefix.
    /// </remarks>
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        var tally = default(VllmTally);
        var window = new VllmContextWindow(Options.ContextWidth);
        Score(tokens, window, options.Deduplicate ? new HashSet<UInt128>(tokens.Length) : null, null, ref tally, default, default);
        return Result(tally, options.Deduplicate, options.MinimumScoredTokens);
    }

    /// <summary>vLLM's own detection figures for one response: its score sum, its p-value and its verdict.</summary>
    /// <param name="tokens">The generated token ids of one response.</param>
    /// <param name="deduplicate">Whether to score each context only at its first occurrence (vLLM's default, <see langword="true"/>).</param>
    /// <returns>The reference's figures.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public ReferenceResult DetectReference(ReadOnlySpan<int> tokens, bool deduplicate) => DetectReference(tokens, deduplicate, default);

    /// <summary>vLLM's own detection figures, writing each token's reference score -ln(1 - u) (NaN where not scored).</summary>
    /// <param name="tokens">The generated token ids of one response.</param>
    /// <param name="deduplicate">Whether to score each context only at its first occurrence.</param>
    /// <param name="tokenScores">Receives one value per token, or is empty; otherwise at least as long as <paramref name="tokens"/>.</param>
    /// <returns>The reference's figures.</returns>
    /// <exception cref="ArgumentException"><paramref name="tokenScores"/> is neither empty nor long enough; nothing is written.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is written.</exception>
    public ReferenceResult DetectReference(ReadOnlySpan<int> tokens, bool deduplicate, Span<double> tokenScores)
    {
        if (!tokenScores.IsEmpty && tokenScores.Length < tokens.Length)
        {
            throw new ArgumentException($"The destination needs {tokens.Length} elements.", nameof(tokenScores));
        }

        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        var tally = default(VllmTally);
        Score(tokens, new VllmContextWindow(Options.ContextWidth), deduplicate ? new HashSet<UInt128>(tokens.Length) : null, null, ref tally, default, tokenScores);
        double alpha = Options.DualKey ? Options.Alpha : 0.0;
        double log10 = VllmDetection.Log10PValue(tally.ReferenceSum, checked((int)tally.Counts.Scored), alpha);
        return new ReferenceResult("vLLM", tally.ReferenceSum, checked((int)tally.Counts.Scored), null, Math.Pow(10.0, log10), log10, log10 <= Math.Log10(ReferenceThreshold));
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new VllmGumbelAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => VllmGumbelAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>
    /// Per-token values are Distill's conservative scores; a window's tail is that of <see cref="WatermarkScheme.Detect"/>
    /// for its n tokens, Bonferroni-corrected for every window searched.
    /// </remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var values = new double[tokens.Length];
        var tally = default(VllmTally);
        Score(tokens, new VllmContextWindow(Options.ContextWidth), options.Deduplicate ? new HashSet<UInt128>(tokens.Length) : null, null, ref tally, values, default);
        double alpha = Options.DualKey ? Options.Alpha : 0.0;
        return ScoreLocalizer.Localize(values, 1.0, (n, s) => LogTail(n, s, alpha), options);
    }

    /// <inheritdoc />
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        double[] values = TokenEvidence.NaNs(tokens.Length);
        var tally = default(VllmTally);
        Score(tokens, new VllmContextWindow(Options.ContextWidth), options.Deduplicate ? new HashSet<UInt128>(tokens.Length) : null, null, ref tally, values, default);
        return TokenEvidence.FromValues(Result(tally, options.Deduplicate, options.MinimumScoredTokens), values, 1.0, "Distill's conservative score, mean 1 under the null");
    }

    /// <summary>The per-token scorer of the radioactivity tests (see <see cref="VllmRadioactivityScorer"/>).</summary>
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new VllmRadioactivityScorer(this);

    /// <summary>
    /// The natural log of Distill's tail for n conservative scores summing to s: Q(n, s) for one key;
    /// for the dual key, min over t of -t s + n K(t) with K the cumulant generating function of
    /// (1 - alpha) E1 + alpha E2 (a Chernoff bound; the minimizer solves a quadratic).
    /// </summary>
    internal static double LogTail(long n, double s, double alpha)
    {
        if (n <= 0 || s <= 0)
        {
            return 0.0;
        }

        // alpha 0 or 1 (vLLM accepts both): every term is one key's, so the tail is exactly Gamma's.
        if (alpha is 0.0 or 1.0)
        {
            return Math.Min(0.0, GammaDistribution.LogUpperTail(n, s));
        }

        if (s <= n)
        {
            return 0.0;
        }

        double a = 1.0 - alpha, b = alpha, ab = a * b;
        // S ab t^2 + (2 n ab - S) t + (S - n) = 0; the smaller root, written to avoid cancellation.
        double linear = s - (2.0 * n * ab);
        double discriminant = (s * s * (1.0 - (4.0 * ab))) + (4.0 * n * n * ab * ab);
        double t = 2.0 * (s - n) / (linear + Math.Sqrt(discriminant));
        double bound = (-t * s) - (n * (Math.Log(1.0 - (a * t)) + Math.Log(1.0 - (b * t))));
        return Math.Min(0.0, bound);
    }

    /// <summary>The result for a tally.</summary>
    internal DetectionResult Result(in VllmTally tally, bool deduplicated, int minimumScoredTokens)
    {
        long n = tally.Counts.Scored;
        double alpha = Options.DualKey ? Options.Alpha : 0.0;
        double s = (double)tally.Sum / Gumbel.GumbelScheme.FixedScale;
        double log10 = n > 0 ? LogTail(n, s, alpha) / Math.Log(10.0) : 0.0;
        double variance = ((1 - alpha) * (1 - alpha)) + (alpha * alpha);
        double z = n > 0 ? (s - n) / Math.Sqrt(n * variance) : 0.0;
        return new DetectionResult(Descriptor, tally.Counts, DetectionStatistic.GumbelScore, s, double.NaN, deduplicated, minimumScoredTokens, z, log10);
    }

    /// <summary>Distill's conservative fixed-point term of a token under its context's states (key B's is ignored for one key).</summary>
    internal ulong ConservativeTerm(UInt128 stateA, UInt128 stateB, int token)
    {
        double value = ConservativeScore(Word(_prfA, Unpack(stateA), token));
        if (Options.DualKey)
        {
            value = ((1.0 - Options.Alpha) * value) + (Options.Alpha * ConservativeScore(Word(_prfB, Unpack(stateB), token)));
        }

        return Gumbel.GumbelScheme.ToFixed(value);
    }

    /// <summary>
    /// Scores one stretch of a response. <paramref name="documentContexts"/> (when deduplicating)
    /// holds the absorbed states of the contexts already scored in this response; <paramref name="pairs"/>
    /// (accumulators) the (key A state, token) pairs scored in the whole corpus, with key B's state. Writes Distill's values to
    /// <paramref name="values"/> and the reference's to <paramref name="referenceValues"/> (NaN where not scored) when not empty.
    /// </summary>
    internal void Score(ReadOnlySpan<int> tokens, VllmContextWindow window, HashSet<UInt128>? documentContexts, Dictionary<(UInt128 State, int Token), UInt128>? pairs, ref VllmTally tally, Span<double> values, Span<double> referenceValues)
    {
        bool dual = Options.DualKey;
        double alpha = Options.Alpha;
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            var state = _prfA.Absorb(window.Context);
            UInt128 packed = Pack(state);
            tally.Counts.Tokens++;
            bool scored = documentContexts is null || documentContexts.Add(packed);

            // Key B's state only for a token that may be scored (a repeated context skips it).
            var stateB = scored && dual ? _prfB.Absorb(window.Context) : default;
            if (scored && pairs is not null && !pairs.TryAdd((packed, token), Pack(stateB)))
            {
                scored = false;
            }

            if (!scored)
            {
                tally.Counts.SkippedRepeated++;
                SetIfAny(values, i, double.NaN);
                SetIfAny(referenceValues, i, double.NaN);
                window.Push(token);
                continue;
            }

            uint wordA = Word(_prfA, state, token);
            double conservative = ConservativeScore(wordA);
            double reference = VllmPrf.Score(VllmPrf.Uniform(wordA));
            if (dual)
            {
                uint wordB = Word(_prfB, stateB, token);
                conservative = ((1.0 - alpha) * conservative) + (alpha * ConservativeScore(wordB));
                reference = ((1.0 - alpha) * reference) + (alpha * VllmPrf.Score(VllmPrf.Uniform(wordB)));
            }

            tally.Counts.Scored++;
            tally.Sum += Gumbel.GumbelScheme.ToFixed(conservative);
            tally.ReferenceSum += reference;
            SetIfAny(values, i, conservative);
            SetIfAny(referenceValues, i, reference);
            window.Push(token);
        }
    }

    /// <summary>The token's word under the configured mapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint Word(in VllmPrf prf, (uint S0, uint S1, uint S2, uint S3) state, int token) =>
        Options.LegacyTokenMapping ? prf.LegacyWord(state, (uint)token) : prf.Word(state, (uint)token);

    /// <summary>-ln(1 - m / (2^24 + 1)) for the word's mantissa m: under the null, stochastically below Exp(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ConservativeScore(uint word) => -double.LogP1(-((word >> 8) / MantissaScale));

    internal static UInt128 Pack((uint S0, uint S1, uint S2, uint S3) s) =>
        new(((ulong)s.S3 << 32) | s.S2, ((ulong)s.S1 << 32) | s.S0);

    internal static (uint S0, uint S1, uint S2, uint S3) Unpack(UInt128 packed)
    {
        ulong lo = unchecked((ulong)packed), hi = (ulong)(packed >> 64);
        return (unchecked((uint)lo), (uint)(lo >> 32), unchecked((uint)hi), (uint)(hi >> 32));
    }

    private static void SetIfAny(Span<double> destination, int index, double value)
    {
        if (!destination.IsEmpty)
        {
            destination[index] = value;
        }
    }
}

/// <summary>The counts and sums of a stretch of vLLM-scored tokens.</summary>
internal struct VllmTally : IAccumulatorCounts
{
    public GreenListCounts Counts;

    /// <summary>Distill's conservative sum, in fixed point (multiples of 2^-32, each term rounded down).</summary>
    public UInt128 Sum;

    /// <summary>vLLM's sum, in double (for the reference figures).</summary>
    public double ReferenceSum;

    readonly long IAccumulatorCounts.Tokens => Counts.Tokens;

    readonly long IAccumulatorCounts.Scored => Counts.Scored;
}

/// <summary>The previous W generated tokens, oldest first, 0xFFFFFFFF before the first one.</summary>
internal sealed class VllmContextWindow
{
    private readonly uint[] _context;

    public VllmContextWindow(int width)
    {
        _context = new uint[width];
        Reset();
    }

    public ReadOnlySpan<uint> Context => _context;

    public void Push(int token)
    {
        _context.AsSpan(1).CopyTo(_context);
        _context[^1] = (uint)token;
    }

    public void Reset() => Array.Fill(_context, uint.MaxValue);
}
