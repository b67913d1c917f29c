using System;

namespace Distill.Statistics;

/// <summary>Accurate pieces of the gamma function for real arguments, shared by the continuous distributions.</summary>
internal static class GammaFunctions
{
    private const double Ln2Pi = 1.8378770664093454835606594728112;

    // (zeta(k) - 1) / k for k = 2, 3, ..., 57 (mpmath at 40 digits): the Taylor coefficients of
    // ln Gamma(1 + a) + ln(1 + a) - a (1 - Euler's gamma) (Abramowitz and Stegun 6.1.33).
    private static readonly double[] ZetaMinusOneOverK =
    [
        0.3224670334241132, 0.0673523010531981, 0.020580808427784546, 0.007385551028673986,
        0.0028905103307415234, 0.001192753911703261, 0.0005096695247430425, 0.00022315475845357939,
        9.945751278180853e-05, 4.492623673813314e-05, 2.050721277567069e-05, 9.439488275268397e-06,
        4.374866789907488e-06, 2.039215753801366e-06, 9.55141213040742e-07, 4.492469198764566e-07,
        2.1207184805554665e-07, 1.0043224823968099e-07, 4.7698101693639804e-08, 2.2711094608943164e-08,
        1.0838659214896955e-08, 5.183475041970047e-09, 2.4836745438024785e-09, 1.1921401405860912e-09,
        5.731367241678862e-10, 2.7595228851242334e-10, 1.330476437424449e-10, 6.4229645638381e-11,
        3.1044247747322276e-11, 1.5021384080754142e-11, 7.275974480239079e-12, 3.527742476575915e-12,
        1.711991790559618e-12, 8.315385841420285e-13, 4.04220052528944e-13, 1.9664756310966165e-13,
        9.573630387838556e-14, 4.6640760264283744e-14, 2.2737369600659724e-14, 1.1091399470834522e-14,
        5.413659156725363e-15, 2.643880017860995e-15, 1.2918959062789966e-15, 6.315935504198448e-16,
        3.089316266963393e-16, 1.5117930628108198e-16, 7.40148685695232e-17, 3.625218048120654e-17,
        1.7763568421861633e-17, 8.70763157479179e-18, 4.270088559227004e-18, 2.0947604247944643e-18,
        1.0279842823787928e-18, 5.046468294792953e-19, 2.4781763945937917e-19, 1.2173498078147637e-19,
    ];

    // 1 - Euler's constant.
    private const double OneMinusEuler = 0.42278433509846713939;

    // ln Gamma(1 + a) for 0 <= a <= 1 with full relative accuracy near a = 0, where Gamma(1 + a) is
    // within a rounding error of 1 and ln(Gamma(1 + a)) would lose every digit.
    internal static double LogGamma1P(double a)
    {
        double sum = 0.0;
        for (int i = ZetaMinusOneOverK.Length - 1; i >= 0; i--)
        {
            // The coefficient of a^(i + 2) carries the sign (-1)^i: Horner's rule in -a.
            sum = ZetaMinusOneOverK[i] - (a * sum);
        }

        // sum now holds c2 - c3 a + c4 a^2 - ...; the series is a^2 times it.
        return (a * (OneMinusEuler + (a * sum))) - Binomial.Log1P(a);
    }

    // ln Gamma(a + 1) - ln(sqrt(2 pi a) (a / e)^a) for real a > 0: the error of Stirling's formula.
    // Integers up to 15 are exact (Binomial.StirlingError); from 15 on the asymptotic series; other
    // small arguments climb to 15 by the recurrence
    //   stirlerr(b) = stirlerr(b + 1) + (b + 1/2) ln(1 + 1/b) - 1,
    // whose increments are small numbers computed to an absolute error of a rounding of 1.
    internal static double StirlingError(double a)
    {
        const double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260, S3 = 1.0 / 1680, S4 = 1.0 / 1188;
        if (a > 15.0)
        {
            double aa = a * a;
            return (S0 - ((S1 - ((S2 - ((S3 - (S4 / aa)) / aa)) / aa)) / aa)) / a;
        }

        if (a == Math.Floor(a) && a >= 1.0)
        {
            return Binomial.StirlingError((long)a);
        }

        double increments = 0.0;
        double b = a;
        while (b <= 15.0)
        {
            increments += ((b + 0.5) * Binomial.Log1P(1.0 / b)) - 1.0;
            b += 1.0;
        }

        return StirlingError(b) + increments;
    }

    // ln(x^a e^-x / Gamma(a + 1)) for a > 0, x > 0, in Loader's saddle-point form
    //   -stirlerr(a) - (a ln(a / x) + x - a) - ln(2 pi a) / 2,
    // which has no cancellation for large a (the deviance term is computed directly when x is near a).
    internal static double LogPoissonTerm(double a, double x) =>
        -StirlingError(a) - Binomial.Deviance(a, x) - (0.5 * (Ln2Pi + Math.Log(a)));
}
