using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.Tokenizers;

namespace Distill.Evaluation.Calibration;

/// <summary>
/// Measures a deployed profile's false-positive rate on text known not to carry its watermark
/// (the deployer's own human-written or unwatermarked text), through the
/// <see cref="WatermarkScheme"/> contract only, so it works for every scheme.
/// </summary>
/// <remarks>
/// <para>
/// Each text's tokens are cut, for each length of <see cref="CalibrationOptions.Lengths"/>, into
/// non-overlapping passages from its first token (a shorter remainder is dropped); each passage is
/// detected on its own and counted as a false positive at alpha when its p-value is at most alpha.
/// Rates come with exact (Clopper-Pearson) intervals. For each alpha taken as a target
/// false-positive rate, each bucket also gets the p-value threshold that keeps the rate at or below
/// it (<see cref="CalibrationThreshold"/>): measured from the passages' p-values where there are
/// enough passages to certify the target, extrapolated (and marked so) where there are not.
/// </para>
/// <para>
/// Under one fixed key, passages of the same text are not independent trials (frequent
/// (context, token) pairs recur with the same score in every passage; see docs/evaluation.md), so
/// the interval is a guide rather than a guarantee: a rate whose interval lies above alpha is
/// reported as a warning, as are texts too repetitive to carry evidence and buckets with too few
/// passages to measure a rate at all. The passages are detected in parallel; the report does not
/// depend on the order.
/// </para>
/// </remarks>
public static class CalibrationRun
{
    /// <summary>The width of the windows in which <see cref="CalibrationReport.DistinctFraction"/> is measured.</summary>
    public const int DistinctWindow = 128;

    /// <summary>Below this mean fraction of distinct tokens per window, the text is reported as low-entropy.</summary>
    public const double LowEntropyThreshold = 0.3;

    /// <summary>Above this fraction of tokens skipped as repeated in the bucket nearest 128 tokens, the text is reported as repetitive.</summary>
    public const double RepetitiveThreshold = 0.5;

    /// <summary>Encodes texts with a tokenizer and measures the false-positive rates on them.</summary>
    /// <param name="scheme">The scheme (key and parameters) to calibrate.</param>
    /// <param name="tokenizer">The tokenizer the scheme's descriptor names (texts are normalized and encoded by it, as <see cref="TextDetector"/> does).</param>
    /// <param name="texts">The unwatermarked texts; at least one, and together at least as many tokens as the shortest length.</param>
    /// <param name="options">The lengths, alphas and deduplication; <see cref="CalibrationOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/>, <paramref name="tokenizer"/> or <paramref name="texts"/> (or one of them) is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No texts, too few tokens for the shortest passage, or the tokenizer's vocabulary size differs from the scheme's.</exception>
    public static CalibrationReport Run(WatermarkScheme scheme, TextTokenizer tokenizer, IEnumerable<string> texts, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        if (tokenizer.VocabularySize != scheme.VocabularySize)
        {
            throw new ArgumentException($"The tokenizer {tokenizer.Name} has {tokenizer.VocabularySize} ids; the scheme was built for {scheme.VocabularySize}.", nameof(tokenizer));
        }

        var encoded = new List<ReadOnlyMemory<int>>();
        foreach (string text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            encoded.Add(tokenizer.EncodeToIds(text));
        }

        return RunTokens(scheme, encoded, options);
    }

    /// <summary>Measures the false-positive rates on token streams.</summary>
    /// <param name="scheme">The scheme (key and parameters) to calibrate.</param>
    /// <param name="texts">The token ids of the unwatermarked texts; at least one, and together at least as many tokens as the shortest length.</param>
    /// <param name="options">The lengths, alphas and deduplication; <see cref="CalibrationOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> or <paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No texts, or too few tokens for the shortest passage.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the scheme's vocabulary.</exception>
    public static CalibrationReport RunTokens(WatermarkScheme scheme, IEnumerable<ReadOnlyMemory<int>> texts, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(texts);
        options ??= CalibrationOptions.Default;
        ReadOnlyMemory<int>[] streams = [.. texts];
        if (streams.Length == 0)
        {
            throw new ArgumentException("Calibration needs at least one text.", nameof(texts));
        }

        int vocabularySize = scheme.VocabularySize;
        var distinct = new HashSet<int>();
        foreach (ReadOnlyMemory<int> stream in streams)
        {
            foreach (int token in stream.Span)
            {
                if (token < 0 || token >= vocabularySize)
                {
                    throw new ArgumentOutOfRangeException(nameof(texts), token, $"Token ids must be from 0 to {vocabularySize - 1}.");
                }

                distinct.Add(token);
            }
        }

        long tokens = streams.Sum(s => (long)s.Length);
        int shortest = options.Lengths[0];
        if (streams.All(s => s.Length < shortest))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"No text holds a passage of {shortest} tokens (the texts hold {tokens} tokens in all, the longest {streams.Max(s => s.Length)}); give longer texts."),
                nameof(texts));
        }

        var detection = new DetectionOptions { Deduplicate = options.Deduplicate };
        var deduplicating = new DetectionOptions { Deduplicate = true };
        var measured = new List<(int Length, double[] Log10P, double Loss, CalibrationRate[] Rates, double?[] Certified)>(options.Lengths.Count);
        foreach (int length in options.Lengths)
        {
            (double[] log10P, double loss) = Measure(scheme, streams, length, detection, deduplicating);
            CalibrationRate[] rates = [.. options.Alphas.Select(alpha => new CalibrationRate(alpha, log10P.Length, CalibrationThreshold.CountAtMost(log10P, Math.Log10(alpha)), options.Confidence))];
            double?[] certified = [.. options.Alphas.Select(alpha => CalibrationThreshold.Certify(log10P, alpha, options.Confidence))];
            measured.Add((length, log10P, loss, rates, certified));
        }

        // The inflation: the worst upper bound of a measured rate relative to its alpha, per bucket and over all buckets.
        var worst = new (double Ratio, int Length, double Alpha)?[measured.Count];
        (double Ratio, int Length, double Alpha)? overall = null;
        for (int i = 0; i < measured.Count; i++)
        {
            var bucket = measured[i];
            for (int a = 0; a < options.Alphas.Count; a++)
            {
                double ratio = bucket.Rates[a].Upper / options.Alphas[a];
                if (bucket.Certified[a] is not null && (worst[i] is null || ratio > worst[i]!.Value.Ratio))
                {
                    worst[i] = (ratio, bucket.Length, options.Alphas[a]);
                }
            }

            if (worst[i] is { } w && (overall is null || w.Ratio > overall.Value.Ratio))
            {
                overall = w;
            }
        }

        var buckets = new List<CalibrationBucket>(measured.Count);
        for (int i = 0; i < measured.Count; i++)
        {
            var bucket = measured[i];
            (double Ratio, int Length, double Alpha)? source = worst[i] ?? overall;
            double inflation = Math.Max(1.0, source?.Ratio ?? 1.0);
            var thresholds = new CalibrationThreshold[options.Alphas.Count];
            for (int a = 0; a < options.Alphas.Count; a++)
            {
                double alpha = options.Alphas[a];
                double log10Threshold;
                if (bucket.Certified[a] is { } certified)
                {
                    log10Threshold = certified;
                }
                else
                {
                    log10Threshold = Math.Log10(alpha) - Math.Log10(inflation);
                    for (int b = 0; b < options.Alphas.Count; b++)
                    {
                        if (options.Alphas[b] > alpha && bucket.Certified[b] is { } larger)
                        {
                            log10Threshold = Math.Min(log10Threshold, larger);
                        }
                    }
                }

                thresholds[a] = new CalibrationThreshold(alpha, log10Threshold, bucket.Certified[a] is null, bucket.Log10P.Length, CalibrationThreshold.CountAtMost(bucket.Log10P, log10Threshold), options.Confidence);
            }

            buckets.Add(new CalibrationBucket(bucket.Length, Array.AsReadOnly(bucket.Log10P), bucket.Loss, bucket.Rates, thresholds, inflation, source?.Length, source?.Alpha));
        }

        double distinctFraction = DistinctFraction(streams, shortest);
        return new CalibrationReport(scheme.Descriptor, options, streams.Length, tokens, distinct.Count, distinctFraction, buckets, Math.Max(1.0, overall?.Ratio ?? 1.0), overall?.Length, overall?.Alpha, Warnings(options, buckets, distinctFraction));
    }

    private static (double[] Log10P, double Loss) Measure(WatermarkScheme scheme, ReadOnlyMemory<int>[] streams, int length, DetectionOptions detection, DetectionOptions deduplicating)
    {
        var passages = new List<ReadOnlyMemory<int>>();
        foreach (ReadOnlyMemory<int> stream in streams)
        {
            for (int start = 0; start + length <= stream.Length; start += length)
            {
                passages.Add(stream.Slice(start, length));
            }
        }

        var log10P = new double[passages.Count];
        var repeated = new long[passages.Count];
        var scoreable = new long[passages.Count];
        Parallel.For(0, passages.Count, i =>
        {
            ReadOnlySpan<int> passage = passages[i].Span;
            DetectionResult result = scheme.Detect(passage, detection);
            log10P[i] = result.Status == DetectionStatus.Scored ? result.Log10PValue : 0.0;

            // The loss is measured with deduplication on, also when the rates are measured without it.
            DetectionResult deduplicated = detection.Deduplicate ? result : scheme.Detect(passage, deduplicating);
            repeated[i] = deduplicated.SkippedRepeated;
            scoreable[i] = deduplicated.TokenCount - deduplicated.SkippedPrefix;
        });

        Array.Sort(log10P);
        long scoreableSum = scoreable.Sum();
        double loss = scoreableSum > 0 ? (double)repeated.Sum() / scoreableSum : 0.0;
        return (log10P, loss);
    }

    private static double DistinctFraction(ReadOnlyMemory<int>[] streams, int shortest)
    {
        double sum = 0;
        int windows = 0;
        var seen = new HashSet<int>();
        foreach (ReadOnlyMemory<int> stream in streams)
        {
            if (stream.Length < shortest)
            {
                continue;
            }

            int width = Math.Min(DistinctWindow, stream.Length);
            for (int start = 0; start + width <= stream.Length; start += width)
            {
                seen.Clear();
                foreach (int token in stream.Span.Slice(start, width))
                {
                    seen.Add(token);
                }

                sum += (double)seen.Count / width;
                windows++;
            }
        }

        return windows > 0 ? sum / windows : 0.0;
    }

    private static List<CalibrationWarning> Warnings(CalibrationOptions options, List<CalibrationBucket> buckets, double distinctFraction)
    {
        var warnings = new List<CalibrationWarning>();
        var culture = CultureInfo.InvariantCulture;
        if (!options.Deduplicate)
        {
            warnings.Add(new CalibrationWarning(
                CalibrationWarningKind.DeduplicationOff,
                "Deduplication is off: repeated (context, token) pairs are scored again, so p-values on repetitive text are not valid and the rates below can exceed alpha for that reason alone."));
        }

        // Judged at the bucket nearest 128 tokens: longer passages of ordinary prose lose more to deduplication
        // under context-free schemes (Unigram scores each distinct token once), which is not repetition.
        CalibrationBucket? judged = buckets.Where(b => b.Passages > 0).MinBy(b => Math.Abs(Math.Log((double)b.Length / DistinctWindow)));
        if (judged is not null && judged.DeduplicationLoss > RepetitiveThreshold)
        {
            warnings.Add(new CalibrationWarning(
                CalibrationWarningKind.Repetitive,
                string.Create(culture, $"The text is repetitive: deduplication removes {Percent(judged.DeduplicationLoss, 0)} of the scoreable tokens of {judged.Length}-token passages (more than {Percent(RepetitiveThreshold, 0)}). Such text carries little evidence for any key: watermarked text like it would be hard to detect, and its false-positive rate says little about ordinary text."),
                judged.Length));
        }

        if (distinctFraction < LowEntropyThreshold)
        {
            warnings.Add(new CalibrationWarning(
                CalibrationWarningKind.LowEntropy,
                string.Create(culture, $"The text has low entropy: on average only {Percent(distinctFraction, 0)} of the tokens in a {DistinctWindow}-token window are distinct (running prose has about 60%). Lists, tables and repeated characters carry little evidence for the scheme.")));
        }

        for (int a = 0; a < options.Alphas.Count; a++)
        {
            double alpha = options.Alphas[a];
            CalibrationRate[] unmeasured = [.. buckets.Select(b => b.Rates[a]).Where(r => !r.IsMeasurable)];
            if (unmeasured.Length > 0)
            {
                warnings.Add(new CalibrationWarning(
                    CalibrationWarningKind.TooFewPassages,
                    string.Create(culture, $"At alpha {alpha:G3}, buckets {string.Join(", ", buckets.Where(b => !b.Rates[a].IsMeasurable).Select(b => $"{b.Length} ({b.Passages} passages)"))} have too few passages to measure a rate: at least {unmeasured[0].PassagesNeeded:N0} are needed to expect one false positive (several times that for a useful interval). Their thresholds for a false-positive rate of {alpha:G3} are extrapolated (measured thresholds need {CalibrationThreshold.NeededPassages(alpha, options.Confidence):N0} passages)."),
                    alpha: alpha));
            }
        }

        foreach (CalibrationBucket bucket in buckets)
        {
            foreach (CalibrationRate rate in bucket.Rates.Where(r => r.ExceedsAlpha))
            {
                warnings.Add(new CalibrationWarning(
                    CalibrationWarningKind.AboveAlpha,
                    string.Create(culture, $"{bucket.Length}-token passages at alpha {rate.Alpha:G3}: {rate.FalsePositives} of {rate.Passages} false positives ({Percent(rate.Rate, 2)}, {Percent(rate.Confidence, 0)} interval {Percent(rate.Lower, 2)} to {Percent(rate.Upper, 2)}) lie above alpha: the profile is not calibrated on this text at this threshold; use a smaller alpha for verdicts."),
                    bucket.Length,
                    rate.Alpha));
            }
        }

        return warnings;
    }

    private static string Percent(double value, int digits) =>
        (value * 100).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
