using System.Collections.Generic;

namespace Distill.Evaluation.Calibration;

/// <summary>
/// The passages of one length: how many, their p-values, the deduplication loss, the rate at each
/// alpha and the threshold that keeps the rate at or below each alpha.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CalibrationBucket
{
    internal CalibrationBucket(int length, IReadOnlyList<double> log10PValues, double deduplicationLoss, IReadOnlyList<CalibrationRate> rates, IReadOnlyList<CalibrationThreshold> thresholds, double inflation, int? inflationLength, double? inflationAlpha)
    {
        int passages = log10PValues.Count;
        double minLog10PValue = passages > 0 ? log10PValues[0] : 0.0;
        Length = length;
        Passages = passages;
        MinLog10PValue = minLog10PValue;
        DeduplicationLoss = deduplicationLoss;
        Rates = rates;
        Thresholds = thresholds;
        Log10PValues = log10PValues;
        Inflation = inflation;
        InflationLength = inflationLength;
        InflationAlpha = inflationAlpha;
    }

    /// <summary>Gets the passage length in tokens.</summary>
    public int Length { get; }

    /// <summary>Gets the number of non-overlapping passages cut from the texts.</summary>
    public int Passages { get; }

    /// <summary>Gets the base-10 logarithm of the smallest p-value among the passages; 0 without passages.</summary>
    public double MinLog10PValue { get; }

    /// <summary>
    /// Gets the fraction of the passages' scoreable tokens (those with a full context) that
    /// deduplication skipped as repeated within their passage; 0 without passages.
    /// </summary>
    public double DeduplicationLoss { get; }

    /// <summary>Gets the false positives at each alpha of the options, in their order.</summary>
    public IReadOnlyList<CalibrationRate> Rates { get; }

    /// <summary>Gets the threshold for each alpha of the options taken as the target false-positive rate, in their order.</summary>
    public IReadOnlyList<CalibrationThreshold> Thresholds { get; }

    /// <summary>
    /// Gets the inflation by which this bucket's extrapolated thresholds divide their targets: the
    /// largest ratio, over the bucket's cells whose threshold is measured, of the upper end of the
    /// exact interval of the rate at p &lt;= alpha to alpha (over every bucket's cells when this
    /// bucket has none: <see cref="CalibrationReport.Inflation"/>); at least 1, and 1 when no cell
    /// of the run is measured (then the extrapolated thresholds are the nominal targets, unverified).
    /// </summary>
    public double Inflation { get; }

    /// <summary>Gets the passage length of the cell that set <see cref="Inflation"/> (another bucket's when this one has no measured cell); <see langword="null"/> when no cell of the run is measured.</summary>
    public int? InflationLength { get; }

    /// <summary>Gets the alpha of the cell that set <see cref="Inflation"/>; <see langword="null"/> when no cell of the run is measured.</summary>
    public double? InflationAlpha { get; }

    /// <summary>
    /// Gets the base-10 logarithm of each passage's p-value, ascending (0 for a passage with nothing
    /// to score, as detection reports it).
    /// </summary>
    public IReadOnlyList<double> Log10PValues { get; }
}
