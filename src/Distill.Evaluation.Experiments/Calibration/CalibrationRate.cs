using System;
using Distill.Statistics;

namespace Distill.Evaluation.Calibration;

/// <summary>
/// The false positives of one bucket at one alpha: passages with p &lt;= alpha, their rate and the
/// exact (Clopper-Pearson) interval of the rate.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CalibrationRate
{
    internal CalibrationRate(double alpha, int passages, int falsePositives, double confidence)
    {
        Alpha = alpha;
        Passages = passages;
        FalsePositives = falsePositives;
        Confidence = confidence;
        if (passages > 0)
        {
            Rate = (double)falsePositives / passages;
            (Lower, Upper) = Binomial.ConfidenceInterval(falsePositives, passages, confidence);
        }
        else
        {
            Rate = double.NaN;
            (Lower, Upper) = (0.0, 1.0);
        }
    }

    /// <summary>Gets the significance level.</summary>
    public double Alpha { get; }

    /// <summary>Gets the number of passages tested.</summary>
    public int Passages { get; }

    /// <summary>Gets the number of passages with p &lt;= <see cref="Alpha"/>.</summary>
    public int FalsePositives { get; }

    /// <summary>Gets <see cref="FalsePositives"/> divided by <see cref="Passages"/>; NaN without passages.</summary>
    public double Rate { get; }

    /// <summary>Gets the confidence of the interval.</summary>
    public double Confidence { get; }

    /// <summary>Gets the lower end of the exact interval of the rate.</summary>
    public double Lower { get; }

    /// <summary>Gets the upper end of the exact interval of the rate.</summary>
    public double Upper { get; }

    /// <summary>Gets whether there are enough passages to expect at least one false positive at <see cref="Alpha"/> (passages times alpha at least 1).</summary>
    public bool IsMeasurable => Passages * Alpha >= 1.0;

    /// <summary>Gets the fewest passages with which one false positive is expected at <see cref="Alpha"/>: ceil(1 / alpha).</summary>
    public long PassagesNeeded => (long)Math.Ceiling((1.0 / Alpha) - 1e-9);

    /// <summary>Gets whether the whole interval lies above <see cref="Alpha"/>: the profile is not calibrated on this text at this threshold.</summary>
    public bool ExceedsAlpha => Passages > 0 && Lower > Alpha;
}
