using System;
using System.Diagnostics;

namespace Distill.Statistics;

/// <summary>
/// An in-place radix-2 discrete Fourier transform over separate real and imaginary parts: forward
/// X[j] = sum_n x[n] e^(-2 pi i j n / L), inverse with e^(+2 pi i j n / L) and the factor 1 / L.
/// </summary>
/// <remarks>
/// Twiddles come from <see cref="Math.SinCos"/> of each angle (no recurrence), so the transform's
/// relative error in the 2-norm stays within about 16 u log2(L) (Higham, Accuracy and Stability of
/// Numerical Algorithms, section 24.1), the figure callers use to bound the error of a convolution.
/// </remarks>
internal static class Fft
{
    /// <summary>The unit roundoff of binary64, 2^-53.</summary>
    public const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>A conservative bound on the transform's relative 2-norm error: 16 u log2(L), u the unit roundoff.</summary>
    public static double RelativeError(int length) => 16.0 * UnitRoundoff * Math.Max(1, Math.Log2(length));

    /// <summary>Transforms in place; <paramref name="real"/> and <paramref name="imaginary"/> have the same power-of-two length.</summary>
    public static void Transform(Span<double> real, Span<double> imaginary, bool inverse)
    {
        int n = real.Length;
        Debug.Assert(n > 0 && (n & (n - 1)) == 0 && imaginary.Length == n);
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (real[i], real[j]) = (real[j], real[i]);
                (imaginary[i], imaginary[j]) = (imaginary[j], imaginary[i]);
            }
        }

        if (n == 1)
        {
            return;
        }

        var cos = new double[n / 2];
        var sin = new double[n / 2];
        double sign = inverse ? 1.0 : -1.0;
        for (int m = 0; m < n / 2; m++)
        {
            (double s, double c) = Math.SinCos(2.0 * Math.PI * m / n);
            cos[m] = c;
            sin[m] = sign * s;
        }

        for (int length = 2; length <= n; length <<= 1)
        {
            int half = length / 2, stride = n / length;
            for (int start = 0; start < n; start += length)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = cos[k * stride], wi = sin[k * stride];
                    int a = start + k, b = a + half;
                    double xr = (real[b] * wr) - (imaginary[b] * wi);
                    double xi = (real[b] * wi) + (imaginary[b] * wr);
                    real[b] = real[a] - xr;
                    imaginary[b] = imaginary[a] - xi;
                    real[a] += xr;
                    imaginary[a] += xi;
                }
            }
        }

        if (inverse)
        {
            double scale = 1.0 / n;
            for (int i = 0; i < n; i++)
            {
                real[i] *= scale;
                imaginary[i] *= scale;
            }
        }
    }
}
