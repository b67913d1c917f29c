using System;
using System.Collections.Generic;
using System.Linq;
using Distill.GreenList;

namespace Distill.Tests.Sessions;

/// <summary>
/// What one ProcessLogits call must do, computed the slow way from <see cref="KgwScheme.IsGreen(ReadOnlySpan{int}, int)"/>:
/// LeftHash adds delta to every green finite logit; SelfHash tests the highest finite logits (ties:
/// lower id first) and adds delta to the green ones. Every other logit keeps its bits.
/// </summary>
internal static class SessionOracle
{
    public static float[] Expected(KgwScheme scheme, IReadOnlyList<int> context, float[] logits)
    {
        var expected = (float[])logits.Clone();
        if (context.Count < scheme.Options.PrefixLength)
        {
            return expected;
        }

        int[] window = context.Skip(context.Count - scheme.Options.PrefixLength).ToArray();
        float delta = (float)scheme.Options.Delta;
        IEnumerable<int> tested = scheme.Options.Seeding == KgwSeeding.LeftHash
            ? Enumerable.Range(0, logits.Length)
            : Enumerable.Range(0, logits.Length)
                .Where(i => !float.IsNegativeInfinity(logits[i]))
                .OrderByDescending(i => logits[i])
                .ThenBy(i => i)
                .Take(scheme.Options.SelfHashCandidates);
        foreach (int token in tested)
        {
            if (scheme.IsGreen(window, token))
            {
                expected[token] = logits[token] + delta;
            }
        }

        return expected;
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>The first index where the bits differ, or -1.</summary>
    public static int FirstDifference(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                return i;
            }
        }

        return expected.Length == actual.Length ? -1 : expected.Length;
    }
}
