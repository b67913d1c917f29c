using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.Prf;

namespace Distill.ExpEdit;

/// <summary>
/// The EXP-edit watermark (Kuditipudi, Thickstun, Hashimoto and Liang, "Robust Distortion-Free
/// Watermarks for Language Models", TMLR 2024; reference jthickstun/watermark), version 1.
/// </summary>
/// <remarks>
/// <para>
/// The key is a sequence of n uniform vectors xi_0 .. xi_{n-1} over the vocabulary, computed on the
/// fly from the sub-key <c>scheme/exp-edit/v1</c> (<c>docs/schemes/exp-edit.md</c>). A request starts at
/// a random shift s and step i emits argmax_v xi_{(s+i) mod n}[v]^(1/p_v): an exact sample of p for a
/// random key (distortion-free), and independent of the text, so local edits only move the alignment.
/// </para>
/// <para>
/// Detection aligns each text block of length k with k consecutive key positions by an edit-distance
/// recurrence (match cost ln(1 - xi_j[y]), insertion and deletion cost gamma) and takes the least cost
/// over blocks and shifts. The p-value is a permutation test: the same statistic under N fresh key
/// sequences, exchangeable with the real one when the text does not depend on the key, so
/// p = (1 + #{fresh &lt;= observed}) / (1 + N) is exact (super-uniform) for any text, repeated or not;
/// no deduplication is needed. The fresh keys are key streams 1 .. N of the same sub-key, so a result is
/// deterministic given the key, the options and the text.
/// </para>
/// <para>Instances are immutable and thread-safe; sessions and accumulators are not.</para>
/// </remarks>
public sealed class ExpEditScheme : WatermarkScheme
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "exp-edit";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    internal const string SubKeyPurpose = "scheme/exp-edit/v1";

    private readonly ExpEditKeySequence _key;
    private readonly ulong[] _rowSeeds;
    private readonly ConcurrentBag<ExpEditAlignment.Scratch> _scratch = [];

    // The key as given, so that WithDetection can build the same scheme.
    private readonly WatermarkKey _source;

    private ExpEditScheme(WatermarkKey key, ExpEditOptions options, SchemeDescriptor descriptor)
    {
        Options = options;
        Descriptor = descriptor;
        _key = new ExpEditKeySequence(key.Derive(SubKeyPurpose));
        _rowSeeds = new ulong[options.KeyLength];
        _key.RowSeeds(0, _rowSeeds);
        _source = key;
    }

    /// <summary>
    /// Gets the test <see cref="WatermarkScheme.Detect(ReadOnlySpan{int}, DetectionOptions?)"/> runs:
    /// <see cref="ExpEditDetectionOptions.Default"/> (the permutation test) unless set by <see cref="WithDetection"/>.
    /// </summary>
    public ExpEditDetectionOptions Detection { get; private init; } = ExpEditDetectionOptions.Default;

    /// <summary>
    /// Returns the same scheme (same key, parameters and descriptor, so the same embedding) whose generic
    /// <see cref="WatermarkScheme.Detect(ReadOnlySpan{int}, DetectionOptions?)"/> runs <paramref name="detection"/>'s test,
    /// for callers that only know <see cref="WatermarkScheme"/> (text detection, the configuration search, the command line).
    /// </summary>
    /// <param name="detection">The test's settings, for example <c>new ExpEditDetectionOptions { Test = ExpEditTest.GammaBound }</c>.</param>
    /// <returns>A scheme that detects with <paramref name="detection"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="detection"/> is <see langword="null"/>.</exception>
    public ExpEditScheme WithDetection(ExpEditDetectionOptions detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        return new ExpEditScheme(_source, Options, Descriptor) { Detection = detection };
    }

    /// <summary>Gets the scheme's parameters.</summary>
    public ExpEditOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    internal ref readonly ExpEditKeySequence Key => ref _key;

    /// <summary>Creates an EXP-edit scheme.</summary>
    /// <param name="key">The watermark key.</param>
    /// <param name="options">The parameters; <see cref="ExpEditOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size (the logits length), at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    public static ExpEditScheme Create(WatermarkKey key, ExpEditOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= ExpEditOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfV1.Version,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            ExpEdit = options,
        };
        return new ExpEditScheme(key, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>exp-edit</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The descriptor is for another scheme, or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's scheme or PRF version is not implemented by this release.</exception>
    internal static ExpEditScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor?.ExpEdit, key);
        return Create(key, descriptor!.ExpEdit!, descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <inheritdoc />
    /// <remarks>The request starts at a shift drawn from a cryptographic random number generator (a new one at every reset).</remarks>
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new ExpEditSession(this, -1);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Creates a session that starts at a given shift of the key sequence (reproducible generation; also after each reset).</summary>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <param name="shift">The key position of the first generated token, in [0, <see cref="ExpEditOptions.KeyLength"/>).</param>
    /// <returns>A new session; not thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shift"/> is out of range, or a prompt token is outside the vocabulary.</exception>
    public WatermarkSession CreateSession(ReadOnlySpan<int> prompt, int shift)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shift, Options.KeyLength);
        var session = new ExpEditSession(this, shift);
        session.Reset(prompt);
        return session;
    }

    /// <summary>Returns the token EXP sampling emits from <paramref name="logits"/> at key position <paramref name="keyPosition"/>.</summary>
    /// <param name="logits">The step's logits (after temperature and truncation); negative infinity is masked.</param>
    /// <param name="keyPosition">The key position, in [0, <see cref="ExpEditOptions.KeyLength"/>).</param>
    /// <returns>The token id: argmax over the finite logits of xi[v]^(1/p_v); -1 when every logit is masked.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> has the wrong length or contains NaN or positive infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keyPosition"/> is out of range.</exception>
    internal int ChooseToken(ReadOnlySpan<float> logits, int keyPosition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keyPosition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(keyPosition, Options.KeyLength);
        LogitsGuard.Validate(logits, VocabularySize, nameof(logits));
        return ExpEditSampler.Choose(logits, _rowSeeds[keyPosition]);
    }

    /// <summary>Returns the key uniform xi_j[v] in (0, 1).</summary>
    /// <param name="keyPosition">The key position j, in [0, <see cref="ExpEditOptions.KeyLength"/>).</param>
    /// <param name="token">The token v.</param>
    /// <returns>xi_j[v] as specified in <c>docs/schemes/exp-edit.md</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    internal double KeyUniform(int keyPosition, int token)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keyPosition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(keyPosition, Options.KeyLength);
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        return ExpEditKeySequence.Uniform(ExpEditKeySequence.Word(_rowSeeds[keyPosition], token));
    }

    internal ulong RowSeed(int keyPosition) => _rowSeeds[keyPosition];

    /// <inheritdoc />
    /// <remarks>
    /// The test of <see cref="Detect(ReadOnlySpan{int}, DetectionOptions?, ExpEditDetectionOptions)"/> with <see cref="Detection"/>: by
    /// default <see cref="ExpEditDetectionOptions.Default"/> (the permutation test, 999 resamples, early stop after 10 hits).
    /// </remarks>
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options) =>
        TestCore(tokens, options, Detection, 1).Result;

    /// <summary>Tests one token stream for the key with the permutation test's own settings, and reports what the test did.</summary>
    /// <param name="tokens">The token ids of the text.</param>
    /// <param name="options">Detection options (the minimum length); <see cref="DetectionOptions.Default"/> when <see langword="null"/>. Deduplication has no effect: the test conditions on the text.</param>
    /// <param name="test">The resampling settings (<see cref="ExpEditDetectionOptions.Default"/> is what <see cref="WatermarkScheme.Detect(ReadOnlySpan{int}, DetectionOptions?)"/> uses).</param>
    /// <returns>The result, the resamples used and where the best alignment lies.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="test"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    /// <remarks>Thread-safe; the resamples run in parallel, each thread with its own buffers, and the outcome does not depend on the thread count.</remarks>
    public ExpEditDetection Detect(ReadOnlySpan<int> tokens, DetectionOptions? options, ExpEditDetectionOptions test)
    {
        ArgumentNullException.ThrowIfNull(test);
        LogitsGuard.ValidateTokens(tokens, VocabularySize, nameof(tokens));
        return TestCore(tokens, options ?? DetectionOptions.Default, test, 1);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every token is scored (the test conditions on the whole text). A token's value is -ln(1 - xi) of
    /// the key position the best alignment's shift puts it against, continued along the diagonal
    /// beyond the best block (Exp(1), mean 1, under the null); edits inside the alignment are not shown.
    /// </remarks>
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        ExpEditDetection detection = TestCore(tokens, options, Detection, 1);
        int n = Options.KeyLength;
        var values = new double[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            int keyPosition = (int)((((long)detection.Shift + i - detection.BlockStart) % n + n) % n);
            values[i] = -Math.Log(1.0 - KeyUniform(keyPosition, tokens[i]));
        }

        var kinds = new TokenScore[tokens.Length];
        Array.Fill(kinds, TokenScore.Scored);
        return new TokenEvidence(detection.Result, kinds, values, 1.0, "-ln(1 - xi) at the best alignment's shift");
    }

    /// <summary>The permutation test with the statistic's blocks starting every <paramref name="blockStride"/> tokens (and at the last start).</summary>
    private ExpEditDetection TestCore(ReadOnlySpan<int> tokens, DetectionOptions options, ExpEditDetectionOptions test, int blockStride)
    {
        var counts = new GreenListCounts { Tokens = tokens.Length, Scored = tokens.Length };
        if (tokens.Length < options.MinimumScoredTokens)
        {
            var insufficient = new DetectionResult(Descriptor, counts, DetectionStatistic.EditAlignment, 0.0, double.NaN, false, options.MinimumScoredTokens, 0.0, 0.0);
            return new ExpEditDetection(insufficient, 0, 0, false, 0, Math.Min(Options.BlockLength, tokens.Length), 0);
        }

        if (test.Test == ExpEditTest.GammaBound)
        {
            return GammaBoundCore(tokens, counts, options);
        }

        int[] text = tokens.ToArray();
        ExpEditAlignment.Best observed = Statistic(text, 0, true, blockStride);
        int n = test.Resamples;
        int h = test.EarlyStopHits;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = test.MaxDegreeOfParallelism };
        int used = 0, hits = 0;
        bool stopped = false;
        double sum = 0, sumSquares = 0;
        int batch = 32;
        var nulls = new float[Math.Min(n, 1024)];
        while (used < n && !stopped)
        {
            int size = Math.Min(Math.Min(batch, n - used), nulls.Length);
            int first = used + 1;
            float[] sink = nulls;
            Parallel.For(
                0,
                size,
                parallel,
                () => RentScratch(text.Length),
                (i, _, scratch) =>
                {
                    ExpEditAlignment.FillCosts(_key, first + i, text, scratch);
                    sink[i] = ExpEditAlignment.Minimize(scratch, (float)Options.EditPenalty, true, blockStride).Cost;
                    return scratch;
                },
                ReturnScratch);

            // Scanned in resample order, so the stopping point is the same on any number of threads.
            for (int i = 0; i < size; i++)
            {
                used++;
                sum += nulls[i];
                sumSquares += (double)nulls[i] * nulls[i];
                if (nulls[i] <= observed.Cost)
                {
                    hits++;
                    if (h > 0 && hits >= h)
                    {
                        stopped = true;
                        break;
                    }
                }
            }

            batch = Math.Min(batch * 2, 1024);
        }

        // Besag and Clifford (1991): h / l when stopped at the h-th hit after l resamples; else (1 + hits) / (1 + N).
        double log10P = stopped ? Math.Log10(hits) - Math.Log10(used) : Math.Log10(1.0 + hits) - Math.Log10(1.0 + used);
        double mean = sum / used;
        double sd = Math.Sqrt(Math.Max(0.0, (sumSquares / used) - (mean * mean)));
        double z = sd > 0 ? (mean - observed.Cost) / sd : 0.0;
        var result = new DetectionResult(Descriptor, counts, DetectionStatistic.EditAlignment, observed.Cost, double.NaN, false, options.MinimumScoredTokens, z, log10P);
        return new ExpEditDetection(result, used, hits, stopped, observed.BlockStart, Math.Min(Options.BlockLength, text.Length), observed.Shift);
    }

    /// <summary>The closed-form test of <see cref="ExpEditGammaBound"/> over the real key's costs.</summary>
    private ExpEditDetection GammaBoundCore(ReadOnlySpan<int> tokens, in GreenListCounts counts, DetectionOptions options)
    {
        ExpEditAlignment.Scratch scratch = RentScratch(tokens.Length);
        ExpEditGammaBound.Outcome outcome;
        try
        {
            ExpEditAlignment.FillCosts(_key, 0, tokens, scratch);
            outcome = ExpEditGammaBound.Test(tokens, scratch, Options.BlockLength);
        }
        finally
        {
            ReturnScratch(scratch);
        }

        double z = (outcome.Sum - outcome.Pairs) / Math.Sqrt(outcome.Pairs);
        var result = new DetectionResult(Descriptor, counts, DetectionStatistic.AlignedGammaSum, outcome.Sum, double.NaN, false, options.MinimumScoredTokens, z, outcome.Log10PValue);
        return new ExpEditDetection(result, 0, 0, false, outcome.BlockStart, outcome.BlockLength, outcome.Shift);
    }

    /// <summary>The alignment cost of a text under key stream <paramref name="stream"/> (0 the real key, r &gt;= 1 the r-th fresh key).</summary>
    internal ExpEditAlignment.Best Statistic(ReadOnlySpan<int> tokens, long stream, bool vectorize = true, int blockStride = 1)
    {
        ExpEditAlignment.Scratch scratch = RentScratch(tokens.Length);
        try
        {
            ExpEditAlignment.FillCosts(_key, stream, tokens, scratch);
            return ExpEditAlignment.Minimize(scratch, (float)Options.EditPenalty, vectorize, blockStride);
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>The observed alignment cost of a text (one scoring under the real key; no p-value).</summary>
    internal float AlignmentCost(ReadOnlySpan<int> tokens) => Statistic(tokens, 0).Cost;

    internal ExpEditAlignment.Scratch RentScratch(int textLength)
    {
        int k = Math.Min(Options.BlockLength, textLength);
        while (_scratch.TryTake(out ExpEditAlignment.Scratch? scratch))
        {
            if (scratch.TextLength == textLength && scratch.BlockLength == k)
            {
                return scratch;
            }
        }

        return new ExpEditAlignment.Scratch(textLength, k, Options.KeyLength);
    }

    internal void ReturnScratch(ExpEditAlignment.Scratch scratch)
    {
        if (_scratch.Count < Environment.ProcessorCount * 2)
        {
            _scratch.Add(scratch);
        }
    }

    /// <inheritdoc />
    /// <remarks>The corpus test of <see cref="ExpEditAccumulator"/> with <see cref="ExpEditDetectionOptions.Default"/> resamples.</remarks>
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new ExpEditAccumulator(this, options, ExpEditDetectionOptions.Default);

    /// <summary>Creates an accumulator whose corpus permutation test uses <paramref name="test"/>'s resample count (early stopping does not apply).</summary>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="test">The resampling settings (its resample count and parallelism).</param>
    /// <returns>An empty accumulator; not thread-safe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="test"/> is <see langword="null"/>.</exception>
    public WatermarkAccumulator CreateCorpusAccumulator(DetectionOptions? options, ExpEditDetectionOptions test)
    {
        ArgumentNullException.ThrowIfNull(test);
        return new ExpEditAccumulator(this, options ?? DetectionOptions.Default, test);
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => ExpEditAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Reports the best-aligned block when its p-value is at most alpha, by the test of <see cref="Detection"/>.
    /// </para>
    /// <para>
    /// Permutation test (the default): the search over blocks and shifts is part of the statistic, whose null
    /// distribution the fresh keys reproduce, so the p-value is already valid for the block found: no Bonferroni
    /// factor is applied (<see cref="LocalizationResult.WindowsSearched"/> is 1). To stay affordable on long streams
    /// the blocks start every k / 4 tokens (and at the last start), and the test runs ceil(1 / alpha) - 1 resamples
    /// (at least 19), stopping at the first fresh key that aligns as well: exactly what deciding p &lt;= alpha needs.
    /// It runs at most <see cref="ExpEditDetectionOptions.Resamples"/> of <see cref="Detection"/> (at least 19): when
    /// alpha is below the floor 1 / (1 + that), no block can be significant and none is reported, without a search
    /// (this release; earlier ones ran 1 / alpha alignments, about an hour at alpha 1e-6).
    /// </para>
    /// <para>
    /// Closed-form test: the best (length, start, shift) triple of <see cref="ExpEditTest.GammaBound"/>, whose
    /// p-value already carries the Bonferroni factor T of the triples searched (<see cref="LocalizationResult.WindowsSearched"/>).
    /// </para>
    /// </remarks>
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options)
    {
        var spans = new List<WatermarkedSpan>();
        var detectionOptions = new DetectionOptions { Deduplicate = options.Deduplicate };
        if (Detection.Test == ExpEditTest.GammaBound)
        {
            ExpEditDetection closed = TestCore(tokens, detectionOptions, Detection, 1);
            long tests = 1;
            if (closed.Result.Status == DetectionStatus.Scored)
            {
                tests = GammaBoundTests(tokens.Length);
                if (closed.Result.IsWatermarked(options.Alpha))
                {
                    double log10 = closed.Result.Log10PValue;
                    double uncorrected = Math.Min(0.0, log10 - Math.Log10(tests));
                    spans.Add(new WatermarkedSpan(closed.BlockStart, closed.BlockStart + closed.BlockLength, closed.BlockLength, 0, log10, uncorrected) { Score = closed.Result.Score });
                }
            }

            return new LocalizationResult(spans, tests, tokens.Length, options.Alpha);
        }

        int needed = Math.Max(19, (int)Math.Min(int.MaxValue, Math.Ceiling((1.0 / options.Alpha) - 1e-9) - 1));
        int most = Math.Max(19, Detection.Resamples);
        if (needed > most)
        {
            return new LocalizationResult(spans, 1, tokens.Length, options.Alpha);
        }

        var test = new ExpEditDetectionOptions { Resamples = needed, EarlyStopHits = 1 };
        int stride = Math.Max(1, Math.Min(Options.BlockLength, tokens.Length) / 4);
        ExpEditDetection detection = TestCore(tokens, detectionOptions, test, stride);
        if (detection.Result.IsWatermarked(options.Alpha))
        {
            double log10P = detection.Result.Log10PValue;
            spans.Add(new WatermarkedSpan(detection.BlockStart, detection.BlockStart + detection.BlockLength, detection.BlockLength, 0, log10P, log10P) { Score = detection.Result.Score });
        }

        return new LocalizationResult(spans, 1, tokens.Length, options.Alpha);
    }

    /// <summary>The number T of (length, start, shift) triples the closed-form test searches in a text of <paramref name="length"/> tokens.</summary>
    private long GammaBoundTests(int length) => ExpEditGammaBound.Tests(length, Options.BlockLength, Options.KeyLength);
}
