using System.Collections.Generic;
using System.Globalization;

namespace Distill.Evaluation.Calibration;

/// <summary>
/// The empirical false-positive rates of one scheme (one key and its parameters) on a set of texts
/// known not to carry its watermark, per passage length and alpha, with the warnings that say
/// where the numbers cannot be trusted.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CalibrationReport
{
    internal CalibrationReport(
        SchemeDescriptor descriptor,
        CalibrationOptions options,
        int texts,
        long tokens,
        int distinctTokens,
        double distinctFraction,
        IReadOnlyList<CalibrationBucket> buckets,
        double inflation,
        int? inflationLength,
        double? inflationAlpha,
        IReadOnlyList<CalibrationWarning> warnings)
    {
        Scheme = descriptor.Scheme;
        KeyId = descriptor.KeyId;
        DescriptorHash = descriptor.Hash;
        Options = options;
        Texts = texts;
        Tokens = tokens;
        DistinctTokens = distinctTokens;
        DistinctFraction = distinctFraction;
        Buckets = buckets;
        Inflation = inflation;
        InflationAlpha = inflationAlpha;
        InflationLength = inflationLength;
        Warnings = warnings;
    }

    /// <summary>Gets the scheme's name.</summary>
    public string Scheme { get; }

    /// <summary>Gets the public id of the key.</summary>
    public string KeyId { get; }

    /// <summary>Gets the hash of the descriptor the passages were scored under.</summary>
    public string DescriptorHash { get; }

    /// <summary>Gets the options of the run.</summary>
    public CalibrationOptions Options { get; }

    /// <summary>Gets the number of texts read.</summary>
    public int Texts { get; }

    /// <summary>Gets the number of tokens in all texts.</summary>
    public long Tokens { get; }

    /// <summary>Gets the number of distinct token ids in all texts.</summary>
    public int DistinctTokens { get; }

    /// <summary>
    /// Gets the mean fraction of distinct token ids in windows of 128 tokens (a whole text when it
    /// is shorter): about 0.6 for running English prose, far lower for lists and repeated text.
    /// </summary>
    public double DistinctFraction { get; }

    /// <summary>Gets one bucket per length of the options, in their order.</summary>
    public IReadOnlyList<CalibrationBucket> Buckets { get; }

    /// <summary>
    /// Gets the worst inflation over all buckets: the largest ratio, over every cell whose threshold
    /// is measured, of the upper end of the exact interval of the rate at p &lt;= alpha to alpha; at
    /// least 1. A bucket without a measured cell extrapolates with it; 1 when no cell is measured
    /// (then <see cref="InflationLength"/> is <see langword="null"/> and the extrapolated thresholds
    /// are the nominal targets, unverified).
    /// </summary>
    public double Inflation { get; }

    /// <summary>Gets the passage length of the cell that set <see cref="Inflation"/>; <see langword="null"/> when no cell is measured.</summary>
    public int? InflationLength { get; }

    /// <summary>Gets the alpha of the cell that set <see cref="Inflation"/>; <see langword="null"/> when no cell is measured.</summary>
    public double? InflationAlpha { get; }

    /// <summary>Gets the rule by which measured thresholds are chosen, in words (see <see cref="CalibrationThreshold"/>).</summary>
    public string ThresholdRule => string.Create(
        CultureInfo.InvariantCulture,
        $"measured: the largest t among log10(target) and the bucket's passage log10 p-values not above it such that the upper end of the exact (Clopper-Pearson) two-sided {Options.Confidence * 100:G4}% interval of the rate of passages with log10 p <= t is at or below the target (just below the smallest passage p-value when none qualifies); only where the bucket has enough passages that zero false positives would certify the target (passagesNeeded).");

    /// <summary>Gets the rule by which extrapolated thresholds are chosen, in words (see <see cref="CalibrationThreshold"/>).</summary>
    public string ExtrapolationRule => InflationLength is not null
        ? string.Create(
            CultureInfo.InvariantCulture,
            $"extrapolated (too few passages to certify the target): the target divided by the bucket's inflation, the largest ratio of the upper end of a measured rate's {Options.Confidence * 100:G4}% interval at p <= alpha to alpha over the bucket's measured cells (over every bucket's when it has none; at least 1, so never looser than the target), and never looser than the bucket's measured threshold for a larger target. An assumption that the deeper tail inflates no more than the measured levels, not a measurement.")
        : "extrapolated (too few passages to certify the target): no cell could be measured, so the thresholds are the nominal targets, unverified on this text.";

    /// <summary>Gets the warnings; empty when nothing looks wrong.</summary>
    public IReadOnlyList<CalibrationWarning> Warnings { get; }
}
