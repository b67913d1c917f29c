using System;
using Distill.Statistics;

namespace Distill.Evaluation.Tests.Attacks;

internal static class AttackAssert
{
    /// <summary>Whether a requested rate lies in the exact 99.99% interval of the observed count (trivially true when nothing was tried).</summary>
    public static bool RateConsistent(long observed, long trials, double rate, out string why)
    {
        why = "";
        if (trials == 0)
        {
            return observed == 0;
        }

        var (low, high) = Binomial.ConfidenceInterval(observed, trials, 0.9999);
        why = $"{observed}/{trials} for rate {rate} (interval [{low:F4}, {high:F4}])";
        return rate >= low && rate <= high;
    }

    /// <summary>Synthetic token ids: a stream over ids 0..999.</summary>
    public static int[] Tokens(int count, int seed)
    {
        var random = new Random(seed);
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = random.Next(1000);
        }

        return tokens;
    }
}
