namespace Distill.Evaluation.Calibration;

/// <summary>What a <see cref="CalibrationWarning"/> is about.</summary>
public enum CalibrationWarningKind
{
    /// <summary>Deduplication removes more than half of the scoreable tokens of the passages nearest 128 tokens: the text repeats itself, and each passage carries little evidence.</summary>
    Repetitive,

    /// <summary>The passages hold few distinct tokens (lists, tables, repeated characters): the text carries little evidence for any key.</summary>
    LowEntropy,

    /// <summary>A bucket has too few passages to measure a rate at an alpha (passages times alpha below 1).</summary>
    TooFewPassages,

    /// <summary>The interval of a measured rate lies entirely above its alpha: the profile is not calibrated on this text at that threshold.</summary>
    AboveAlpha,

    /// <summary>Deduplication is off, so p-values on repeated text are not valid.</summary>
    DeduplicationOff,
}
