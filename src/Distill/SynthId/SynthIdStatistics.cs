using System;
using Distill.Statistics;

namespace Distill.SynthId;

/// <summary>
/// The null distributions of the SynthID detectors. Under the null hypothesis (text independent of
/// the key, each distinct (context, token) pair scored once) every g-value is an independent fair bit.
/// </summary>
internal static class SynthIdStatistics
{
    private const double Ln2 = 0.69314718055994530941723212145818;

    /// <summary>
    /// The reference's layer weights: <c>linspace(10, 1, depth)</c> (w_l = 10 - 9 l / (depth - 1); 10
    /// for depth 1), scaled to sum to the depth.
    /// </summary>
    public static double[] Weights(int depth)
    {
        var weights = new double[depth];
        double sum = 0.0;
        for (int l = 0; l < depth; l++)
        {
            weights[l] = depth == 1 ? 10.0 : 10.0 - (9.0 * l / (depth - 1));
            sum += weights[l];
        }

        for (int l = 0; l < depth; l++)
        {
            weights[l] *= depth / sum;
        }

        return weights;
    }

    /// <summary>The natural log of P[Binomial(n m, 1/2) &gt;= ones]: the exact tail of the count of ones.</summary>
    public static double LogMeanTail(long ones, long scored, int depth) => Binomial.LogUpperTail(ones, checked(scored * depth), 0.5);

    /// <summary>
    /// A conservative natural-log tail of the weighted sum s = sum_l w_l K_l, with K_l ~ Binomial(n, 1/2)
    /// independent: the Chernoff bound min over lambda &gt;= 0 of -lambda s + n sum_l ln((1 + e^(lambda w_l)) / 2),
    /// minimized by safeguarded Newton steps; exact (-n m ln 2) when every g-value is 1.
    /// </summary>
    public static double LogWeightedTail(ReadOnlySpan<long> layerOnes, long scored, ReadOnlySpan<double> weights)
    {
        if (scored <= 0)
        {
            return 0.0;
        }

        // The deficit d = sum_l w_l (n - K_l) = n total - s, summed from integers so that the bound
        // keeps its precision near the all-ones end, where s and n total nearly cancel.
        double s = 0.0, total = 0.0, deficit = 0.0;
        bool allOnes = true;
        for (int l = 0; l < weights.Length; l++)
        {
            s += weights[l] * layerOnes[l];
            total += weights[l];
            deficit += weights[l] * (scored - layerOnes[l]);
            allOnes &= layerOnes[l] == scored;
        }

        double n = scored;
        if (allOnes)
        {
            return -n * weights.Length * Ln2;
        }

        if (s <= n * total / 2.0)
        {
            return 0.0;
        }

        // f(lambda) is convex with f'(0) = n total / 2 - s < 0; bracket the root of f' and refine.
        double lo = 0.0, hi = 1.0;
        while (Derivative(hi, deficit, n, weights) < 0.0 && hi < 1e6)
        {
            lo = hi;
            hi *= 2.0;
        }

        double lambda = (lo + hi) / 2.0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double d = Derivative(lambda, deficit, n, weights);
            if (d < 0.0)
            {
                lo = lambda;
            }
            else
            {
                hi = lambda;
            }

            double next = lambda - (d / SecondDerivative(lambda, n, weights));
            if (!(next > lo && next < hi))
            {
                next = (lo + hi) / 2.0;
            }

            if (Math.Abs(next - lambda) <= 1e-15 * Math.Max(1.0, lambda))
            {
                lambda = next;
                break;
            }

            lambda = next;
        }

        // Any lambda gives a valid bound; the minimum is the tightest.
        return Math.Min(0.0, Objective(lambda, deficit, n, weights));
    }

    /// <summary>The mean of the weighted sum and its standard deviation under the null.</summary>
    public static (double Mean, double StandardDeviation) WeightedMoments(long scored, ReadOnlySpan<double> weights)
    {
        double total = 0.0, squares = 0.0;
        foreach (double w in weights)
        {
            total += w;
            squares += w * w;
        }

        return (scored * total / 2.0, Math.Sqrt(scored * squares / 4.0));
    }

    // With ln(1 + e^x) = x + ln(1 + e^-x): f(lambda) = lambda d + n sum_l (ln(1 + e^(-lambda w_l)) - ln 2).
    private static double Objective(double lambda, double deficit, double n, ReadOnlySpan<double> weights)
    {
        double sum = 0.0;
        foreach (double w in weights)
        {
            sum += Binomial.Log1P(Math.Exp(-lambda * w)) - Ln2;
        }

        return (lambda * deficit) + (n * sum);
    }

    // f'(lambda) = d - n sum_l w_l logistic(-lambda w_l).
    private static double Derivative(double lambda, double deficit, double n, ReadOnlySpan<double> weights)
    {
        double sum = 0.0;
        foreach (double w in weights)
        {
            sum += w * Logistic(-lambda * w);
        }

        return deficit - (n * sum);
    }

    private static double SecondDerivative(double lambda, double n, ReadOnlySpan<double> weights)
    {
        double sum = 0.0;
        foreach (double w in weights)
        {
            double p = Logistic(lambda * w);
            sum += w * w * p * (1.0 - p);
        }

        return Math.Max(n * sum, double.Epsilon);
    }

    private static double Logistic(double x) => x >= 0.0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));
}
