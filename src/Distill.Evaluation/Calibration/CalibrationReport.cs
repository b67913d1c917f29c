using System.Collections.Generic;

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

    /// <summary>Gets the warnings; empty when nothing looks wrong.</summary>
    public IReadOnlyList<CalibrationWarning> Warnings { get; }
}
