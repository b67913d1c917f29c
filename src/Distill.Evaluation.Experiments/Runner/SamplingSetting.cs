using System;
using System.Globalization;

namespace Distill.Evaluation.Runner;

/// <summary>One sampling setting of the entropy sweep: a temperature and a top-p mass.</summary>
/// <param name="Temperature">The softmax temperature, positive.</param>
/// <param name="TopP">The nucleus mass in (0, 1]; 1 is no truncation.</param>
public sealed record SamplingSetting(double Temperature, double TopP)
{
    /// <summary>Gets the setting as a table label, for example <c>T=0.7, top-p 0.9</c>.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"T={Temperature:0.##}, top-p {TopP:0.##}");

    /// <summary>Returns the generator's options for this setting.</summary>
    /// <param name="seed">The sampling seed.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The temperature or top-p is out of range.</exception>
    public SamplingOptions ToSamplingOptions(ulong seed) => new() { Temperature = Temperature, TopP = TopP, Seed = seed };
}
