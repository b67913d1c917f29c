using System;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>The parameters of <see cref="ConstantBiasScheme"/>: the green share and the bias.</summary>
internal sealed record ConstantBiasOptions
{
    private readonly double _gamma = 0.5;
    private readonly double _delta = 4.0;

    /// <summary>Gets the defaults: gamma 0.5, delta 4.</summary>
    public static ConstantBiasOptions Default { get; } = new();

    /// <summary>Gets the green share of the vocabulary, in (0, 1).</summary>
    public double Gamma
    {
        get => _gamma;
        init => _gamma = value is > 0.0 and < 1.0 ? value : throw new ArgumentOutOfRangeException(nameof(Gamma), value, "Gamma must be in (0, 1).");
    }

    /// <summary>Gets the bias added to green logits, in (0, 20].</summary>
    public double Delta
    {
        get => _delta;
        init => _delta = value is > 0.0 and <= 20.0 ? value : throw new ArgumentOutOfRangeException(nameof(Delta), value, "Delta must be in (0, 20].");
    }

    /// <summary>The options as the descriptor's generic parameters.</summary>
    public SchemeParameters ToParameters() => new([new("gamma", SchemeParameters.Format(Gamma)), new("delta", SchemeParameters.Format(Delta))]);

    /// <summary>Reads the options from the descriptor's generic parameters.</summary>
    public static ConstantBiasOptions FromParameters(SchemeParameters parameters) =>
        new() { Gamma = parameters.GetDouble("gamma"), Delta = parameters.GetDouble("delta") };
}
