namespace Distill.Evaluation.Calibration;

/// <summary>A reason to distrust part of a <see cref="CalibrationReport"/>, in words and by kind.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CalibrationWarning
{
    internal CalibrationWarning(CalibrationWarningKind kind, string message, int? length = null, double? alpha = null)
    {
        Kind = kind;
        Message = message;
        Length = length;
        Alpha = alpha;
    }

    /// <summary>Gets what the warning is about.</summary>
    public CalibrationWarningKind Kind { get; }

    /// <summary>Gets the warning in one sentence or two.</summary>
    public string Message { get; }

    /// <summary>Gets the bucket's passage length the warning concerns, if it concerns one.</summary>
    public int? Length { get; }

    /// <summary>Gets the alpha the warning concerns, if it concerns one.</summary>
    public double? Alpha { get; }

    /// <summary>Returns <see cref="Message"/>.</summary>
    /// <returns>The message.</returns>
    public override string ToString() => Message;
}
