using System;

namespace Distill.Fingerprinting;

/// <summary>
/// Upper tails of a sum of independent two-point variables, X_i = b_i with probability p_i and a_i
/// otherwise: the null distribution of an innocent tenant's score given the evidence, whose bits are
/// independent of the text. Exact by convolution for integer values, and a Chernoff bound (valid for
/// any values) where the exact sum would be too long or too small for a double.
/// </summary>
internal static class TwoPointSum
{
    /// <summary>The largest convolution (variables times support width) computed exactly.</summary>
    internal const long ExactWorkLimit = 50_000_000;

    /// <summary>The widest support computed exactly (8 MB of doubles).</summary>
    internal const long ExactWidthLimit = 1_000_000;

    /// <summary>Below this the exact tail is replaced by the Chernoff bound (subnormal numbers lose precision).</summary>
    private const double SmallestExact = 1e-280;

    /// <summary>
    /// log10 P(sum of d_i x_i >= observed) with x_i ~ Bernoulli(p_i) independent: exact when the work
    /// allows and the result is representable, else the Chernoff bound; never below the truth beyond
    /// rounding (the exact value is widened by one part in 10^9).
    /// </summary>
    public static double Log10UpperTail(ReadOnlySpan<int> differences, ReadOnlySpan<double> oneProbabilities, long observed)
    {
        long low = 0, high = 0;
        foreach (int d in differences)
        {
            if (d < 0)
            {
                low += d;
            }
            else
            {
                high += d;
            }
        }

        if (observed <= low)
        {
            return 0.0;
        }

        if (observed > high)
        {
            return double.NegativeInfinity;
        }

        long width = high - low + 1;
        if (width <= ExactWidthLimit && width * differences.Length <= ExactWorkLimit)
        {
            double exact = ExactUpperTail(differences, oneProbabilities, low, width, observed);
            if (exact >= SmallestExact)
            {
                return Math.Min(0.0, Math.Log10(exact * (1.0 + 1e-9)));
            }
        }

        Span<double> zeros = differences.Length <= 4096 ? stackalloc double[differences.Length] : new double[differences.Length];
        Span<double> ones = differences.Length <= 4096 ? stackalloc double[differences.Length] : new double[differences.Length];
        zeros.Clear();
        for (int i = 0; i < differences.Length; i++)
        {
            ones[i] = differences[i];
        }

        return ChernoffLog10UpperTail(zeros, ones, oneProbabilities, observed);
    }

    /// <summary>
    /// The Chernoff bound on log10 P(sum of X_i >= threshold) for X_i = ones[i] with probability
    /// p_i and zeros[i] otherwise: inf over lambda >= 0 of -lambda t + sum log E exp(lambda X_i),
    /// minimized numerically (the function is convex; any lambda gives a valid bound).
    /// </summary>
    public static double ChernoffLog10UpperTail(ReadOnlySpan<double> zeros, ReadOnlySpan<double> ones, ReadOnlySpan<double> oneProbabilities, double threshold)
    {
        double mean = 0, maximum = 0;
        for (int i = 0; i < zeros.Length; i++)
        {
            mean += zeros[i] + (oneProbabilities[i] * (ones[i] - zeros[i]));
            maximum += Math.Max(zeros[i], ones[i]);
        }

        if (threshold <= mean)
        {
            return 0.0;
        }

        if (threshold > maximum)
        {
            return double.NegativeInfinity;
        }

        // Bracket the minimizer: grow lambda until the derivative turns positive.
        double hi = 1e-3;
        while (hi < 1e6 && Slope(zeros, ones, oneProbabilities, threshold, hi) < 0)
        {
            hi *= 2;
        }

        double lo = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double mid = 0.5 * (lo + hi);
            if (Slope(zeros, ones, oneProbabilities, threshold, mid) < 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        double best = Math.Min(Exponent(zeros, ones, oneProbabilities, threshold, lo), Exponent(zeros, ones, oneProbabilities, threshold, hi));
        return Math.Min(0.0, best / Math.Log(10.0));
    }

    /// <summary>
    /// The smallest threshold t whose Chernoff bound on log10 P(sum of X_i >= t) is at most
    /// <paramref name="log10Level"/> (negative): min over lambda > 0 of (log E exp(lambda S) - ln level) / lambda,
    /// found by golden-section search in log lambda (the function is quasi-convex). Infinite when even
    /// the largest possible sum cannot reach the level.
    /// </summary>
    public static double ChernoffThreshold(ReadOnlySpan<double> zeros, ReadOnlySpan<double> ones, ReadOnlySpan<double> oneProbabilities, double log10Level)
    {
        double maximum = 0;
        for (int i = 0; i < zeros.Length; i++)
        {
            maximum += Math.Max(zeros[i], ones[i]);
        }

        double level = -log10Level * Math.Log(10.0);

        double lo = Math.Log(1e-8), hi = Math.Log(1e4);
        const double Ratio = 0.6180339887498949;
        double x1 = hi - (Ratio * (hi - lo)), x2 = lo + (Ratio * (hi - lo));
        double f1 = ThresholdAt(zeros, ones, oneProbabilities, level, x1), f2 = ThresholdAt(zeros, ones, oneProbabilities, level, x2);
        for (int iteration = 0; iteration < 80; iteration++)
        {
            if (f1 < f2)
            {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - (Ratio * (hi - lo));
                f1 = ThresholdAt(zeros, ones, oneProbabilities, level, x1);
            }
            else
            {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + (Ratio * (hi - lo));
                f2 = ThresholdAt(zeros, ones, oneProbabilities, level, x2);
            }
        }

        // Any lambda gives a valid threshold; check the found one against the exact bound, which is what accusations use.
        double threshold = Math.Min(f1, f2);
        return threshold > maximum || double.IsNaN(threshold) ? double.PositiveInfinity : threshold;
    }

    // (log E exp(lambda S) + level) / lambda at lambda = exp(logLambda).
    private static double ThresholdAt(ReadOnlySpan<double> zeros, ReadOnlySpan<double> ones, ReadOnlySpan<double> p, double level, double logLambda)
    {
        double lambda = Math.Exp(logLambda);
        return (Exponent(zeros, ones, p, 0.0, lambda) + level) / lambda;
    }

    private static double ExactUpperTail(ReadOnlySpan<int> differences, ReadOnlySpan<double> oneProbabilities, long low, long width, long observed)
    {
        // distribution[k] = P(partial sum = low + k); the support grows from the left as values are added.
        var distribution = new double[width];
        long offset = -low;
        distribution[offset] = 1.0;
        long minimum = 0, maximum = 0;
        for (int i = 0; i < differences.Length; i++)
        {
            int d = differences[i];
            double p = oneProbabilities[i], q = 1.0 - p;
            if (d > 0)
            {
                for (long s = maximum; s >= minimum; s--)
                {
                    double mass = distribution[s + offset];
                    distribution[s + d + offset] += p * mass;
                    distribution[s + offset] = q * mass;
                }

                maximum += d;
            }
            else if (d < 0)
            {
                for (long s = minimum; s <= maximum; s++)
                {
                    double mass = distribution[s + offset];
                    distribution[s + d + offset] += p * mass;
                    distribution[s + offset] = q * mass;
                }

                minimum += d;
            }
        }

        double tail = 0;
        for (long s = maximum; s >= observed; s--)
        {
            tail += distribution[s + offset];
        }

        return tail;
    }

    private static double Exponent(ReadOnlySpan<double> zeros, ReadOnlySpan<double> ones, ReadOnlySpan<double> p, double threshold, double lambda)
    {
        double sum = -lambda * threshold;
        for (int i = 0; i < zeros.Length; i++)
        {
            double a = lambda * zeros[i], b = lambda * ones[i];
            double m = Math.Max(a, b);
            sum += m + Math.Log(((1.0 - p[i]) * Math.Exp(a - m)) + (p[i] * Math.Exp(b - m)));
        }

        return sum;
    }

    private static double Slope(ReadOnlySpan<double> zeros, ReadOnlySpan<double> ones, ReadOnlySpan<double> p, double threshold, double lambda)
    {
        double slope = -threshold;
        for (int i = 0; i < zeros.Length; i++)
        {
            double a = lambda * zeros[i], b = lambda * ones[i];
            double m = Math.Max(a, b);
            double wa = (1.0 - p[i]) * Math.Exp(a - m), wb = p[i] * Math.Exp(b - m);
            slope += ((wa * zeros[i]) + (wb * ones[i])) / (wa + wb);
        }

        return slope;
    }
}
