using System;
using Distill.GreenList;

namespace Distill;

/// <summary>The range checks that several options records share, each with the message it has always had.</summary>
internal static class OptionChecks
{
    /// <summary>A green fraction: strictly between 0 and 1 (NaN refused).</summary>
    public static double GreenFraction(double value, string name) => value > 0.0 && value < 1.0
        ? value
        : throw new ArgumentOutOfRangeException(name, value, "Gamma (the green fraction) must be strictly between 0 and 1.");

    /// <summary>A logit bias: greater than 0 and at most 64 (NaN refused); <paramref name="what"/> starts the message.</summary>
    public static double Bias(double value, string name, string what) => value > 0.0 && value <= 64.0
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{what} must be greater than 0 and at most 64.");

    /// <summary>A defined seeding.</summary>
    public static KgwSeeding Seeding(KgwSeeding value, string name) => value is KgwSeeding.LeftHash or KgwSeeding.SelfHash
        ? value
        : throw new ArgumentOutOfRangeException(name, value, "Seeding must be LeftHash or SelfHash.");

    /// <summary>A context width between 1 and <paramref name="maximum"/>.</summary>
    public static int ContextWidth(int value, int maximum, string name) => value is >= 1 && value <= maximum
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"The context width must be between 1 and {maximum}.");
}
