using System;

namespace Distill.Statistics;

/// <summary>
/// Exact binomial tail probabilities computed in log space, so that p-values far below the
/// smallest double (1e-300, 1e-3000) are still numbers.
/// </summary>
/// <remarks>
/// Point probabilities use Loader's saddle-point expansion ("Fast and Accurate Computation of
/// Binomial Probabilities", 2000; the algorithm behind R's <c>dbinom</c>), which keeps full relative
/// accuracy for any n. Tails are sums of point probabilities taken from the end nearer the mode,
/// each term obtained from the previous by the exact ratio, stopped when the remaining terms cannot
/// change the sum in double precision.
/// </remarks>
internal static class Binomial
{
    private const double Ln2Pi = 1.8378770664093454835606594728112;

    /// <summary>
    /// Returns the natural logarithm of P[X &gt;= <paramref name="k"/>] for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>):
    /// the exact one-sided p-value of observing <paramref name="k"/> or more successes.
    /// </summary>
    /// <param name="k">The observed number of successes; values at or below 0 give 0 (probability 1), values above <paramref name="n"/> give negative infinity.</param>
    /// <param name="n">The number of trials, at least 0.</param>
    /// <param name="p">The success probability, in [0, 1].</param>
    /// <returns>ln P[X &gt;= k], at most 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative, or <paramref name="p"/> is outside [0, 1] or NaN.</exception>
    public static double LogUpperTail(long k, long n, double p)
    {
        Validate(n, p);
        if (k <= 0)
        {
            return 0.0;
        }

        if (k > n)
        {
            return double.NegativeInfinity;
        }

        if (p == 0.0)
        {
            return double.NegativeInfinity;
        }

        if (p == 1.0)
        {
            return 0.0;
        }

        double q = 1.0 - p;
        if (k > n * p)
        {
            return LogSumUpward(k, n, p, q);
        }

        // k is at or below the mean: P[X >= k] = 1 - P[X <= k - 1], and the lower sum is at most ~0.6.
        double logLower = LogSumDownward(k - 1, n, p, q);
        return Log1MinusExp(logLower);
    }

    /// <summary>Returns the base-10 logarithm of P[X &gt;= <paramref name="k"/>] (see <see cref="LogUpperTail"/>).</summary>
    /// <param name="k">The observed number of successes.</param>
    /// <param name="n">The number of trials.</param>
    /// <param name="p">The success probability.</param>
    /// <returns>log10 P[X &gt;= k].</returns>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="LogUpperTail"/>.</exception>
    public static double Log10UpperTail(long k, long n, double p) => LogUpperTail(k, n, p) / Math.Log(10.0);

    /// <summary>Returns the natural logarithm of P[X &lt;= <paramref name="k"/>] for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>).</summary>
    /// <param name="k">The number of successes.</param>
    /// <param name="n">The number of trials.</param>
    /// <param name="p">The success probability.</param>
    /// <returns>ln P[X &lt;= k].</returns>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="LogUpperTail"/>.</exception>
    public static double LogLowerTail(long k, long n, double p)
    {
        Validate(n, p);
        if (k < 0)
        {
            return double.NegativeInfinity;
        }

        if (k >= n)
        {
            return 0.0;
        }

        // P[X <= k] for Binomial(n, p) equals P[Y >= n - k] for Y ~ Binomial(n, 1 - p).
        return LogUpperTail(n - k, n, 1.0 - p);
    }

    /// <summary>Returns the natural logarithm of P[X = <paramref name="k"/>] for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>).</summary>
    /// <param name="k">The number of successes.</param>
    /// <param name="n">The number of trials.</param>
    /// <param name="p">The success probability.</param>
    /// <returns>ln P[X = k]; negative infinity when k is outside 0..n.</returns>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="LogUpperTail"/>.</exception>
    public static double LogProbability(long k, long n, double p)
    {
        Validate(n, p);
        if (k < 0 || k > n)
        {
            return double.NegativeInfinity;
        }

        return LogDensity(k, n, p, 1.0 - p);
    }

    /// <summary>
    /// Returns the exact (Clopper-Pearson) two-sided confidence interval for a success probability
    /// after <paramref name="successes"/> in <paramref name="trials"/>.
    /// </summary>
    /// <param name="successes">Observed successes, 0..<paramref name="trials"/>.</param>
    /// <param name="trials">Trials, at least 1.</param>
    /// <param name="confidence">The confidence level, strictly between 0 and 1 (for example 0.99).</param>
    /// <returns>The lower and upper bounds.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static (double Lower, double Upper) ConfidenceInterval(long successes, long trials, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1L);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (!(confidence > 0.0 && confidence < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be strictly between 0 and 1.");
        }

        double logHalfAlpha = Math.Log((1.0 - confidence) / 2.0);

        // Lower bound: the p at which P[X >= successes] = alpha / 2 (increasing in p).
        double lower = successes == 0
            ? 0.0
            : Bisect(p => LogUpperTail(successes, trials, p) - logHalfAlpha, increasing: true);

        // Upper bound: the p at which P[X <= successes] = alpha / 2 (decreasing in p).
        double upper = successes == trials
            ? 1.0
            : Bisect(p => LogLowerTail(successes, trials, p) - logHalfAlpha, increasing: false);
        return (lower, upper);
    }

    // log(1 + x) without losing the digits of small x (Goldberg's correction; .NET's double.LogP1 computes Log(1 + x)).
    internal static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    // e^x - 1 without cancellation near 0 (Kahan's correction; .NET's double.ExpM1 computes Exp(x) - 1).
    internal static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
    }

    // ln(1 - e^x) for x <= 0, accurate at both ends (Maechler, "Accurately computing log(1 - exp(-|a|))", 2012).
    internal static double Log1MinusExp(double x) =>
        x > -0.6931471805599453 ? Math.Log(-ExpM1(x)) : Log1P(-Math.Exp(x));

    private static double Bisect(Func<double, double> f, bool increasing)
    {
        double lo = 0.0, hi = 1.0;
        for (int i = 0; i < 200 && hi - lo > 1e-15; i++)
        {
            double mid = 0.5 * (lo + hi);
            double value = f(mid);
            if ((value < 0) == increasing)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    private static void Validate(long n, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The success probability must be in [0, 1].");
        }
    }

    // ln P[X >= k] for k above the mean: terms decrease geometrically from k on.
    private static double LogSumUpward(long k, long n, double p, double q)
    {
        double ratioBase = p / q;
        double sum = 1.0, term = 1.0;
        for (long j = k; j < n; j++)
        {
            term *= (n - j) / (double)(j + 1) * ratioBase;
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return LogDensity(k, n, p, q) + Math.Log(sum);
    }

    // ln P[X <= k] for k below the mean: terms decrease geometrically from k down.
    private static double LogSumDownward(long k, long n, double p, double q)
    {
        if (k < 0)
        {
            return double.NegativeInfinity;
        }

        double ratioBase = q / p;
        double sum = 1.0, term = 1.0;
        for (long j = k; j > 0; j--)
        {
            term *= j / (double)(n - j + 1) * ratioBase;
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return LogDensity(k, n, p, q) + Math.Log(sum);
    }

    // Loader's saddle-point form of ln dbinom(k; n, p), 0 <= k <= n, 0 < p < 1.
    private static double LogDensity(long k, long n, double p, double q)
    {
        if (k == 0)
        {
            return n * Math.Log(q);
        }

        if (k == n)
        {
            return n * Math.Log(p);
        }

        double lc = StirlingError(n) - StirlingError(k) - StirlingError(n - k)
            - Deviance(k, n * p) - Deviance(n - k, n * q);
        double lf = Ln2Pi + Math.Log(k) + Log1P(-(double)k / n);
        return lc - 0.5 * lf;
    }

    // ln(n!) - ln(sqrt(2 pi n) (n / e)^n).
    internal static double StirlingError(long n)
    {
        const double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260, S3 = 1.0 / 1680, S4 = 1.0 / 1188;
        if (n <= 15)
        {
            // n! is exact in a double up to 22!, so its logarithm is correctly rounded.
            double factorial = 1.0;
            for (int i = 2; i <= n; i++)
            {
                factorial *= i;
            }

            return Math.Log(factorial) - ((n + 0.5) * Math.Log(n)) + n - (0.5 * Ln2Pi);
        }

        double nn = (double)n * n;
        if (n > 500)
        {
            return (S0 - (S1 / nn)) / n;
        }

        if (n > 80)
        {
            return (S0 - ((S1 - (S2 / nn)) / nn)) / n;
        }

        if (n > 35)
        {
            return (S0 - ((S1 - ((S2 - (S3 / nn)) / nn)) / nn)) / n;
        }

        return (S0 - ((S1 - ((S2 - ((S3 - (S4 / nn)) / nn)) / nn)) / nn)) / n;
    }

    // The deviance term x ln(x / m) + m - x, computed without cancellation when x is near m.
    internal static double Deviance(double x, double m)
    {
        if (Math.Abs(x - m) < 0.1 * (x + m))
        {
            double v = (x - m) / (x + m);
            double s = (x - m) * v;
            double ej = 2 * x * v;
            v *= v;
            for (int j = 1; j < 1000; j++)
            {
                ej *= v;
                double s1 = s + (ej / ((2 * j) + 1));
                if (s1 == s)
                {
                    return s1;
                }

                s = s1;
            }

            return s;
        }

        return (x * Math.Log(x / m)) + m - x;
    }
}
