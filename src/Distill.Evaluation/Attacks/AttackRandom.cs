using System;
using System.Diagnostics;

namespace Distill.Evaluation.Attacks;

/// <summary>Draws the attacks share, so that every attack turns a seed into choices the same way.</summary>
internal static class AttackRandom
{
    /// <summary>Returns an integer in [0, <paramref name="count"/>): the high word of a 64-by-64-bit product (bias below 2^-32).</summary>
    public static int NextInt(ref Xoshiro256StarStar random, int count)
    {
        Debug.Assert(count > 0);
        return (int)Math.BigMul(random.NextUInt64(), (ulong)count, out _);
    }

    /// <summary>Returns <see langword="true"/> with probability <paramref name="probability"/>; draws nothing when it is 0 or 1.</summary>
    public static bool Bernoulli(ref Xoshiro256StarStar random, double probability) =>
        probability switch
        {
            <= 0 => false,
            >= 1 => true,
            _ => random.NextDouble() < probability,
        };
}
