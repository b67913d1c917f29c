using System;
using System.IO.Hashing;

namespace Distill.Unigram;

/// <summary>
/// Parameters of the Unigram watermark (Zhao, Ananth, Li and Wang, "Provable Robust Watermarking for
/// AI-Generated Text", ICLR 2024), validated when each value is set.
/// </summary>
/// <remarks>Defaults follow the paper: gamma 0.5, delta 2.0. Instances are immutable.</remarks>
public sealed record UnigramOptions
{
    private readonly double _gamma = 0.5;
    private readonly double _delta = 2.0;

    /// <summary>Gets the defaults: gamma 0.5, delta 2.0.</summary>
    public static UnigramOptions Default { get; } = new();

    /// <summary>Gets the green fraction of the vocabulary, strictly between 0 and 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value not strictly between 0 and 1, or NaN.</exception>
    public double Gamma
    {
        get => _gamma;
        init => _gamma = OptionChecks.GreenFraction(value, nameof(Gamma));
    }

    /// <summary>Gets the bias added to green logits; finite and between 0 (exclusive) and 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside (0, 64], or NaN.</exception>
    public double Delta
    {
        get => _delta;
        init => _delta = OptionChecks.Bias(value, nameof(Delta), "Delta (the green bias)");
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "unigram");
        SchemeDescriptor.AppendDouble(hash, Gamma);
        SchemeDescriptor.AppendDouble(hash, Delta);
    }
}
