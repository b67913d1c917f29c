using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Statistics;
using Distill.Tokenizers;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>Shared material for the tests on real text: held-out Brown passages and fixed keys.</summary>
internal static class RealText
{
    private static readonly Lazy<int[][]> s_passages = new(() =>
        BrownCorpus.HeldOutPassages(Tokenizer, 200).Select(p => p.Tokens.ToArray()).ToArray());

    public static TextTokenizer Tokenizer => BuiltInModel.Tokenizer;

    /// <summary>Every non-overlapping 200-token passage of the 200 held-out documents.</summary>
    public static IReadOnlyList<int[]> Passages200 => s_passages.Value;

    /// <summary>A fixed key per index, standing for keys drawn at random (tests must be deterministic).</summary>
    public static WatermarkKey Key(int index)
    {
        var bytes = new byte[32];
        new Random(90_000 + index).NextBytes(bytes);
        bytes[31] |= 1;
        return WatermarkKey.FromBytes(bytes);
    }

    /// <summary>The counts inside the two-sided 99% binomial interval of rate alpha over n trials.</summary>
    public static (int Low, int High) Interval99(double alpha, int n)
    {
        int low = 0;
        while (Math.Exp(Binomial.LogLowerTail(low, n, alpha)) < 0.005)
        {
            low++;
        }

        int high = n;
        while (high > 0 && Math.Exp(Binomial.LogUpperTail(high, n, alpha)) < 0.005)
        {
            high--;
        }

        return (low, high);
    }

    /// <summary>P[p-value &lt; alpha] for the exact binomial test on n scored tokens under the null: at most alpha.</summary>
    public static double AttainedSize(long n, double gamma, double alpha)
    {
        long k = 0;
        while (k <= n && Binomial.LogUpperTail(k, n, gamma) >= Math.Log(alpha))
        {
            k++;
        }

        return Math.Exp(Binomial.LogUpperTail(k, n, gamma));
    }
}
