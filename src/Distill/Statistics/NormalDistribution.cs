using System;

namespace Distill.Statistics;

/// <summary>
/// Tail probabilities of the standard normal distribution computed in log space, so that z-scores
/// in the hundreds or thousands still give finite, accurate logarithms of their p-values.
/// </summary>
/// <remarks>
/// For 0 &lt;= z &lt; 1 the upper tail is 1/2 - phi(z) (z + z^3 / 3 + z^5 / (3 5) + ...) (Marsaglia,
/// "Evaluating the normal distribution", 2004), which is at least 0.15 there, so the subtraction
/// costs no digits. For z &gt;= 1 it is phi(z) times Laplace's continued fraction for Mills' ratio,
/// 1 / (z + 1 / (z + 2 / (z + 3 / (z + ...)))), evaluated by the modified Lentz method in at most a few
/// hundred steps, with ln phi(z) = -z^2 / 2 - ln(2 pi) / 2 taken exactly in log space. Negative z use
/// P[Z &gt;= z] = 1 - P[Z &gt;= -z] through an accurate ln(1 - e^t).
/// </remarks>
internal static class NormalDistribution
{
    private const double Ln10 = 2.302585092994045684017991454684364;
    private const double HalfLn2Pi = 0.91893853320467274178032973640562;

    /// <summary>Returns the natural logarithm of P[Z &gt;= <paramref name="z"/>] for Z ~ N(0, 1): the one-sided p-value of a z-score.</summary>
    /// <param name="z">The z-score; negative infinity gives 0 and positive infinity gives negative infinity.</param>
    /// <returns>ln P[Z &gt;= z], at most 0; finite and accurate even when the probability is far below the smallest double.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="z"/> is NaN.</exception>
    public static double LogUpperTail(double z)
    {
        if (double.IsNaN(z))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "The z-score must not be NaN.");
        }

        if (z < 0.0)
        {
            return Binomial.Log1MinusExp(LogUpperTail(-z));
        }

        if (double.IsPositiveInfinity(z))
        {
            return double.NegativeInfinity;
        }

        if (z < 1.0)
        {
            double z2 = z * z;
            double term = z, sum = z;
            for (double k = 3.0; term > sum * 1e-17; k += 2.0)
            {
                term *= z2 / k;
                sum += term;
            }

            return Math.Log(0.5 - (Math.Exp((-0.5 * z2) - HalfLn2Pi) * sum));
        }

        return -(0.5 * z * z) - HalfLn2Pi - Math.Log(MillsDenominator(z));
    }

    /// <summary>Returns the base-10 logarithm of P[Z &gt;= <paramref name="z"/>] (see <see cref="LogUpperTail"/>).</summary>
    /// <param name="z">The z-score.</param>
    /// <returns>log10 P[Z &gt;= z].</returns>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="LogUpperTail"/>.</exception>
    public static double Log10UpperTail(double z) => LogUpperTail(z) / Ln10;

    // z + 1 / (z + 2 / (z + 3 / (z + ...))), the reciprocal of Mills' ratio, for z >= 1 (modified Lentz).
    private static double MillsDenominator(double z)
    {
        double f = z, c = z, d = 0.0;
        for (double n = 1.0; n < 100000.0; n += 1.0)
        {
            d = 1.0 / (z + (n * d));
            c = z + (n / c);
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16)
            {
                break;
            }
        }

        return f;
    }
}
