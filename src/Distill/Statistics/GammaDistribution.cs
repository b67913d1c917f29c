using System;

namespace Distill.Statistics;

/// <summary>
/// Tail probabilities of the gamma distribution with unit scale, computed in log space, so that
/// p-values far below the smallest double (1e-300, 1e-3000) are still numbers. Under the null
/// hypothesis the Aaronson (Gumbel-max) watermark score, the sum of -ln(1 - r) over n scored
/// tokens, is Gamma(n, 1), so its exact p-value is <see cref="LogUpperTail"/>(n, score).
/// </summary>
/// <remarks>
/// <para>
/// Both tails share the factor x^a e^-x / Gamma(a + 1), evaluated in Loader's saddle-point form
/// -stirlerr(a) - (a ln(a / x) + x - a) - ln(2 pi a) / 2 (the form behind R's <c>dpois</c>): the
/// Stirling error stirlerr is exact for small integers, an asymptotic series from 15 on and the
/// upward recurrence in between, and the deviance a ln(a / x) + x - a is summed as a series when x
/// is near a, so no digits cancel even for a shape of 10^7 and beyond.
/// </para>
/// <para>
/// For x below a + 1 the lower tail P(a, x) is that factor times the power series
/// 1 + x / (a + 1) + x^2 / ((a + 1)(a + 2)) + ...; for x at or above a + 1 (and, for a shape below 1,
/// for x at or above 1) the upper tail Q(a, x) is a times the factor times Legendre's continued
/// fraction, evaluated by the modified Lentz method (Numerical Recipes, section 6.2). The other tail
/// is then ln(1 - e^t), computed without cancellation; for a shape of at least 1 the tail taken that
/// way is at least about 0.13 on either side of the switch, so no digits are lost. For a shape below
/// 1 and x below 1, where the upper tail is about a E1(x) and would vanish in 1 - P whenever P is
/// at least 1/2, it is computed directly as -expm1(a ln x - ln Gamma(1 + a)) plus a convergent
/// alternating series (Temme's form, as in DiDonato and Morris, 1986), with ln Gamma(1 + a) from
/// its Taylor series in a.
/// </para>
/// <para>
/// Both the series and the continued fraction need on the order of the square root of the shape
/// iterations when x is near the shape (about 30,000 for a shape of 10^7), and a few when x is far
/// from it; the relative error of the logarithm is then a few units in 10^13 or better.
/// </para>
/// </remarks>
internal static class GammaDistribution
{
    private const double Ln10 = 2.302585092994045684017991454684364;
    private const double Ln2 = 0.69314718055994530941723212145818;

    /// <summary>
    /// Returns the natural logarithm of the upper tail Q(<paramref name="shape"/>, <paramref name="x"/>) = P[G &gt;= <paramref name="x"/>]
    /// for G ~ Gamma(<paramref name="shape"/>, 1): the regularized upper incomplete gamma function.
    /// </summary>
    /// <param name="shape">The shape, positive and finite (for a watermark score, the number of scored tokens).</param>
    /// <param name="x">The observed value; values at or below 0 give 0 (probability 1), positive infinity gives negative infinity.</param>
    /// <returns>ln P[G &gt;= x], at most 0; finite and accurate even when the probability is far below the smallest double.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not positive and finite, or <paramref name="x"/> is NaN.</exception>
    public static double LogUpperTail(double shape, double x)
    {
        Validate(shape, x);
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return double.NegativeInfinity;
        }

        if (x >= shape + 1.0 || (shape < 1.0 && x >= 1.0))
        {
            return LogUpperContinuedFraction(shape, x);
        }

        // Below the switch the lower tail comes first; when it is at least 1/2 and the shape is below 1,
        // the upper tail can be tiny (about shape E1(x)) and is computed directly instead.
        double logLower = LogLowerSeries(shape, x);
        return logLower > -Ln2 && shape < 1.0
            ? LogUpperSmallShape(shape, x)
            : Binomial.Log1MinusExp(logLower);
    }

    /// <summary>Returns the base-10 logarithm of P[G &gt;= <paramref name="x"/>] (see <see cref="LogUpperTail"/>).</summary>
    /// <param name="shape">The shape, positive and finite.</param>
    /// <param name="x">The observed value.</param>
    /// <returns>log10 P[G &gt;= x].</returns>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="LogUpperTail"/>.</exception>
    public static double Log10UpperTail(double shape, double x) => LogUpperTail(shape, x) / Ln10;

    /// <summary>
    /// Returns the natural logarithm of the lower tail P(<paramref name="shape"/>, <paramref name="x"/>) = P[G &lt;= <paramref name="x"/>]
    /// for G ~ Gamma(<paramref name="shape"/>, 1): the regularized lower incomplete gamma function.
    /// </summary>
    /// <param name="shape">The shape, positive and finite.</param>
    /// <param name="x">The value; values at or below 0 give negative infinity (probability 0), positive infinity gives 0.</param>
    /// <returns>ln P[G &lt;= x], at most 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not positive and finite, or <paramref name="x"/> is NaN.</exception>
    public static double LogLowerTail(double shape, double x)
    {
        Validate(shape, x);
        if (x <= 0.0)
        {
            return double.NegativeInfinity;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0.0;
        }

        if (x >= shape + 1.0 || (shape < 1.0 && x >= 1.0))
        {
            return Binomial.Log1MinusExp(LogUpperContinuedFraction(shape, x));
        }

        double logLower = LogLowerSeries(shape, x);
        return logLower > -Ln2 && shape < 1.0
            ? Binomial.Log1MinusExp(LogUpperSmallShape(shape, x))
            : logLower;
    }

    /// <summary>
    /// Returns the natural logarithm of the density x^(shape - 1) e^-x / Gamma(shape) of Gamma(<paramref name="shape"/>, 1)
    /// at <paramref name="x"/>.
    /// </summary>
    /// <param name="shape">The shape, positive and finite.</param>
    /// <param name="x">The point; negative values and positive infinity give negative infinity. At 0 the density is
    /// infinite for a shape below 1, 1 for a shape of 1 and 0 above.</param>
    /// <returns>The log density.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not positive and finite, or <paramref name="x"/> is NaN.</exception>
    public static double LogDensity(double shape, double x)
    {
        Validate(shape, x);
        if (x < 0.0 || double.IsPositiveInfinity(x))
        {
            return double.NegativeInfinity;
        }

        if (x == 0.0)
        {
            return shape < 1.0 ? double.PositiveInfinity : shape == 1.0 ? 0.0 : double.NegativeInfinity;
        }

        // x^(a-1) e^-x / Gamma(a) = (a / x) x^a e^-x / Gamma(a + 1).
        return GammaFunctions.LogPoissonTerm(shape, x) + Math.Log(shape / x);
    }

    private static void Validate(double shape, double x)
    {
        if (!(shape > 0.0 && double.IsFinite(shape)))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The shape must be positive and finite.");
        }

        if (double.IsNaN(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The value must not be NaN.");
        }
    }

    // ln P(a, x) = ln(x^a e^-x / Gamma(a + 1)) + ln(1 + x / (a + 1) + x^2 / ((a + 1)(a + 2)) + ...) for 0 < x < a + 1:
    // every term is positive and the ratios x / (a + k) fall below 1 from the first.
    private static double LogLowerSeries(double a, double x)
    {
        double sum = 1.0, term = 1.0;
        for (double k = 1.0; ; k += 1.0)
        {
            term *= x / (a + k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return GammaFunctions.LogPoissonTerm(a, x) + Math.Log(sum);
    }

    // ln Q(a, x) = ln(a x^a e^-x / Gamma(a + 1)) + ln CF for x >= 1, with Legendre's continued fraction
    //   CF = 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...)))
    // evaluated by the modified Lentz method.
    private static double LogUpperContinuedFraction(double a, double x)
    {
        const double Tiny = 1e-300;
        double b = x + 1.0 - a;
        double c = 1.0 / Tiny;
        double d = 1.0 / b;
        double h = d;
        for (double i = 1.0; i < 1e9; i += 1.0)
        {
            double an = -i * (i - a);
            b += 2.0;
            d = (an * d) + b;
            if (Math.Abs(d) < Tiny)
            {
                d = Tiny;
            }

            c = b + (an / c);
            if (Math.Abs(c) < Tiny)
            {
                c = Tiny;
            }

            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16)
            {
                break;
            }
        }

        return GammaFunctions.LogPoissonTerm(a, x) + Math.Log(a * h);
    }

    // ln Q(a, x) for a < 1 and 0 < x < 1, where Q is about a E1(x) and 1 - P would cancel:
    //   Q = -expm1(t) + e^t a (x / (1 (a + 1)) - x^2 / (2! (a + 2)) + x^3 / (3! (a + 3)) - ...),  t = a ln x - ln Gamma(1 + a).
    private static double LogUpperSmallShape(double a, double x)
    {
        double t = (a * Math.Log(x)) - GammaFunctions.LogGamma1P(a);
        double sum = 0.0, power = 1.0;
        for (int n = 1; n < 100; n++)
        {
            power *= -x / n;
            double term = -power / (a + n);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-17)
            {
                break;
            }
        }

        double q = -Binomial.ExpM1(t) + (Math.Exp(t) * a * sum);
        return Math.Log(q);
    }
}
