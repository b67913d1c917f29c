using System.Collections.Generic;

namespace Distill.Evaluation.Calibration;

/// <summary>The passages of one length: how many, the smallest p-value, the deduplication loss and the rate at each alpha.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CalibrationBucket
{
    internal CalibrationBucket(int length, int passages, double minLog10PValue, double deduplicationLoss, IReadOnlyList<CalibrationRate> rates)
    {
        Length = length;
        Passages = passages;
        MinLog10PValue = minLog10PValue;
        DeduplicationLoss = deduplicationLoss;
        Rates = rates;
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
}
