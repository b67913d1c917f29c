using System;
using System.Collections.Generic;
using System.Diagnostics;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// The null distribution of the hf-synthid g-value sums under random layer keys, the sampling table
/// fixed: for a histogram of the scored n-grams' hashes modulo the table size, one layer's count of
/// ones at every key offset, and the exact tail of their sum over layers.
/// </summary>
/// <remarks>
/// <para>
/// The g-value of an n-gram with hash H at a layer with key k is table[((H + k) M + 1) mod L], M odd and
/// L = 2^b, so it is T'[(x + k) mod L] with x = H mod L and T'[y] = table[(y M + 1) mod L] (the table
/// permuted by a bijection). With hist[x] the number of scored n-grams whose hash is x modulo L, a layer
/// whose key is k mod L = o reads C(o) = sum_x hist[x] T'[(x + o) mod L] ones: a circular
/// cross-correlation, computed for all L offsets at once by FFT and rounded to integers under an a
/// priori error bound far below one half.
/// </para>
/// <para>
/// Null model: the text does not depend on the key, and the layer keys' low b bits are independent and
/// uniform. Then the layers' counts are independent draws from the empirical distribution of C over
/// all offsets, and the ones S = sum_d u_d C(K_d) (u_d = 1 for the mean test, the layers' weights in
/// integer units for the weighted one) have an exactly known distribution: this is the permutation
/// test over fresh keys, enumerated instead of sampled.
/// </para>
/// </remarks>
internal sealed class HfSynthIdKeyNull
{
    /// <summary>The longest convolution computed for an exact tail: beyond it the Chernoff bound is reported.</summary>
    internal const int MaxExactLength = 1 << 22;

    private HfSynthIdKeyNull(long[] ones, long minimum, double[] probabilities, double mean, double variance)
    {
        Ones = ones;
        Minimum = minimum;
        Probabilities = probabilities;
        Mean = mean;
        Variance = variance;
    }

    /// <summary>Gets C(o), a layer's ones at each key offset o modulo the table size.</summary>
    public long[] Ones { get; }

    /// <summary>Gets the smallest count over every offset.</summary>
    public long Minimum { get; }

    /// <summary>Gets the largest count over every offset.</summary>
    public long Maximum => Minimum + Probabilities.Length - 1;

    /// <summary>Gets P[C = Minimum + i] over a uniform offset, at index i.</summary>
    public double[] Probabilities { get; }

    /// <summary>Gets the mean of C over offsets.</summary>
    public double Mean { get; }

    /// <summary>Gets the variance of C over offsets.</summary>
    public double Variance { get; }

    /// <summary>Builds the distribution from the histogram of hashes modulo the table size (its length).</summary>
    public static HfSynthIdKeyNull Create(ReadOnlySpan<long> histogram, HfSynthIdTableSpectrum spectrum)
    {
        long[] ones = spectrum.Correlate(histogram);
        long min = long.MaxValue, max = long.MinValue;
        foreach (long c in ones)
        {
            min = Math.Min(min, c);
            max = Math.Max(max, c);
        }

        var frequencies = new long[max - min + 1];
        foreach (long c in ones)
        {
            frequencies[c - min]++;
        }

        var probabilities = new double[frequencies.Length];
        double mean = 0, square = 0;
        for (int i = 0; i < frequencies.Length; i++)
        {
            probabilities[i] = (double)frequencies[i] / ones.Length;
            mean += probabilities[i] * i;
            square += probabilities[i] * i * (double)i;
        }

        return new HfSynthIdKeyNull(ones, min, probabilities, min + mean, Math.Max(0.0, square - (mean * mean)));
    }

    /// <summary>
    /// Natural log of P[sum_d X_d &gt;= observed] for <paramref name="layers"/> independent draws X_d of C:
    /// exact (by exponential tilting and one FFT convolution, to rounding) when the sum's support has at
    /// most <see cref="MaxExactLength"/> values, else the Chernoff bound; never above the Chernoff bound.
    /// </summary>
    public double LogUpperTail(int layers, long observed)
    {
        int width = Probabilities.Length - 1;
        long deficit = ((long)layers * Maximum) - observed;
        double chernoff = LogLowerTailBound(Deficits(), [(1L, (long)layers)], deficit, out double theta);
        if (deficit <= 0 || width == 0 || (long)layers * width + 1 > MaxExactLength)
        {
            return chernoff;
        }

        double exact = LogLowerTailExact(Deficits(), layers, deficit, theta);
        return double.IsNaN(exact) ? chernoff : Math.Min(chernoff, exact);
    }

    /// <summary>
    /// The Chernoff bound, in natural log, on P[sum_d u_d X_d &gt;= observed] for independent draws
    /// X_d of C, one per layer, with integer weights <paramref name="units"/>.
    /// </summary>
    public double LogWeightedUpperTail(ReadOnlySpan<long> units, long observed)
    {
        var groups = new Dictionary<long, long>();
        long top = 0;
        foreach (long u in units)
        {
            groups[u] = groups.GetValueOrDefault(u) + 1;
            top += u * Maximum;
        }

        var list = new List<(long Units, long Count)>();
        foreach (var (u, count) in groups)
        {
            list.Add((u, count));
        }

        return LogLowerTailBound(Deficits(), list, top - observed, out _);
    }

    /// <summary>The distribution of the deficit Y = Maximum - C: P[Y = y] at index y.</summary>
    private double[] Deficits()
    {
        var y = new double[Probabilities.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Probabilities[^(i + 1)];
        }

        return y;
    }

    /// <summary>
    /// Chernoff bound on P[sum over groups of u Y_1 + ... + u Y_count &lt;= deficit], Y_j i.i.d. with
    /// <paramref name="py"/> (py[0] &gt; 0): min over theta &gt;= 0 of theta deficit + sum count ln E[e^(-theta u Y)].
    /// Exact when the deficit is 0 (every draw at its maximum); negative infinity below 0.
    /// </summary>
    internal static double LogLowerTailBound(double[] py, IReadOnlyList<(long Units, long Count)> groups, long deficit, out double theta)
    {
        theta = 0.0;
        if (deficit < 0)
        {
            return double.NegativeInfinity;
        }

        if (deficit == 0)
        {
            long draws = 0;
            foreach (var (_, count) in groups)
            {
                draws += count;
            }

            return draws * Math.Log(py[0]);
        }

        double meanY = 0;
        for (int y = 1; y < py.Length; y++)
        {
            meanY += py[y] * y;
        }

        double expected = 0;
        long largest = 1;
        foreach (var (units, count) in groups)
        {
            expected += (double)units * count * meanY;
            largest = Math.Max(largest, units);
        }

        if (deficit >= expected)
        {
            return 0.0;
        }

        double lo = 0.0, hi = 1.0 / largest;
        while (Derivative(py, groups, deficit, hi) < 0.0 && hi < 1e6)
        {
            lo = hi;
            hi *= 2.0;
        }

        for (int iteration = 0; iteration < 100 && hi - lo > 1e-13 * hi; iteration++)
        {
            double mid = (lo + hi) / 2.0;
            if (Derivative(py, groups, deficit, mid) < 0.0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        // Any theta gives a valid bound; the minimum is the tightest.
        theta = (lo + hi) / 2.0;
        double objective = theta * deficit;
        foreach (var (units, count) in groups)
        {
            objective += count * LogMgf(py, theta * units);
        }

        return Math.Min(0.0, objective);
    }

    /// <summary>
    /// P[Y_1 + ... + Y_layers &lt;= deficit] in natural log, exactly (to rounding): with q the
    /// distribution of Y tilted by e^(-theta y) and Z its normalizer, the probability is
    /// Z^layers e^(theta deficit) sum_{t &lt;= deficit} e^(-theta (deficit - t)) q^(*layers)(t), and
    /// the tilt puts q^(*layers)'s bulk at the deficit, where one FFT computes it to full relative precision.
    /// NaN when the convolution carries no mass there (left to the bound).
    /// </summary>
    internal static double LogLowerTailExact(double[] py, int layers, long deficit, double theta)
    {
        int width = py.Length - 1;
        int length = 1;
        while (length < ((long)layers * width) + 1)
        {
            length <<= 1;
        }

        var re = new double[length];
        var im = new double[length];
        double z = 0;
        for (int y = 0; y <= width; y++)
        {
            re[y] = py[y] * Math.Exp(-theta * y);
            z += re[y];
        }

        for (int y = 0; y <= width; y++)
        {
            re[y] /= z;
        }

        Fft.Transform(re, im, inverse: false);
        for (int j = 0; j < length; j++)
        {
            (re[j], im[j]) = Power(re[j], im[j], layers);
        }

        Fft.Transform(re, im, inverse: true);
        long top = Math.Min(deficit, (long)layers * width);
        double sum = 0;
        for (long t = top; t >= 0; t--)
        {
            double weight = Math.Exp(-theta * (deficit - t));
            if (weight == 0.0)
            {
                break;
            }

            sum += weight * Math.Max(0.0, re[t]);
        }

        return sum > 0 ? (layers * Math.Log(z)) + (theta * deficit) + Math.Log(sum) : double.NaN;
    }

    /// <summary>ln E[e^(-lambda Y)]; py[0] &gt; 0, so the sum is at least py[0] and never underflows.</summary>
    private static double LogMgf(double[] py, double lambda)
    {
        double sum = 0;
        for (int y = 0; y < py.Length; y++)
        {
            sum += py[y] * Math.Exp(-lambda * y);
        }

        return Math.Log(sum);
    }

    private static double Derivative(double[] py, IReadOnlyList<(long Units, long Count)> groups, long deficit, double theta)
    {
        double d = deficit;
        foreach (var (units, count) in groups)
        {
            double lambda = theta * units, sum = 0, weighted = 0;
            for (int y = 0; y < py.Length; y++)
            {
                double e = py[y] * Math.Exp(-lambda * y);
                sum += e;
                weighted += e * y;
            }

            d -= (double)count * units * weighted / sum;
        }

        return d;
    }

    private static (double Re, double Im) Power(double re, double im, int exponent)
    {
        double rr = 1, ri = 0;
        while (exponent > 0)
        {
            if ((exponent & 1) != 0)
            {
                (rr, ri) = ((rr * re) - (ri * im), (rr * im) + (ri * re));
            }

            exponent >>= 1;
            if (exponent > 0)
            {
                (re, im) = ((re * re) - (im * im), 2 * re * im);
            }
        }

        Debug.Assert(double.IsFinite(rr) && double.IsFinite(ri));
        return (rr, ri);
    }
}
