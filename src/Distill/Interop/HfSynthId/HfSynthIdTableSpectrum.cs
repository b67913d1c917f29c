using System;
using System.Collections.Generic;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// The sampling table as the key offsets see it, T'[y] = table[(y M + 1) mod L], and its discrete
/// Fourier transform: what <see cref="HfSynthIdKeyNull"/> correlates each histogram of hashes with.
/// Immutable and shared (the last few are kept, as the tables are).
/// </summary>
internal sealed class HfSynthIdTableSpectrum
{
    private const int MaxCachedSize = 1 << 20;
    private static readonly Dictionary<(ulong Seed, int Size), HfSynthIdTableSpectrum> s_cache = [];

    private readonly double[] _real;
    private readonly double[] _imaginary;

    private HfSynthIdTableSpectrum(byte[] permuted)
    {
        Permuted = permuted;
        _real = new double[permuted.Length];
        _imaginary = new double[permuted.Length];
        foreach (byte bit in permuted)
        {
            TableOnes += bit;
        }

        for (int i = 0; i < permuted.Length; i++)
        {
            _real[i] = permuted[i];
        }

        Fft.Transform(_real, _imaginary, inverse: false);
    }

    /// <summary>Gets T'.</summary>
    public byte[] Permuted { get; }

    /// <summary>Gets the number of ones in the table.</summary>
    public long TableOnes { get; }

    /// <summary>Gets the spectrum of a scheme's table (cached per seed and size up to 2^20 entries).</summary>
    public static HfSynthIdTableSpectrum For(ulong seed, ReadOnlySpan<byte> table)
    {
        lock (s_cache)
        {
            if (s_cache.TryGetValue((seed, table.Length), out HfSynthIdTableSpectrum? cached))
            {
                return cached;
            }
        }

        var spectrum = new HfSynthIdTableSpectrum(Permute(table));
        if (table.Length <= MaxCachedSize)
        {
            lock (s_cache)
            {
                if (s_cache.Count >= 4)
                {
                    s_cache.Clear();
                }

                s_cache[(seed, table.Length)] = spectrum;
            }
        }

        return spectrum;
    }

    /// <summary>T'[y] = table[(y M + 1) mod L]: the bit a layer reads for hash residue x and key offset o at y = x + o.</summary>
    internal static byte[] Permute(ReadOnlySpan<byte> table)
    {
        var permuted = new byte[table.Length];
        uint mask = (uint)table.Length - 1;
        unchecked
        {
            const uint M = (uint)HfSynthIdScheme.Multiplier;
            for (uint y = 0; y < (uint)table.Length; y++)
            {
                permuted[y] = table[(int)(((y * M) + 1) & mask)];
            }
        }

        return permuted;
    }

    /// <summary>
    /// C(o) = sum_x histogram[x] T'[(x + o) mod L] for every offset o, exactly: by FFT, then rounded,
    /// after checking an a priori bound on the FFT's error (Higham's bound per transform, carried
    /// through the product) below 1/4.
    /// </summary>
    /// <exception cref="NotSupportedException">The histogram's counts are too large for the bound (about 10^8 n-grams on one residue).</exception>
    public long[] Correlate(ReadOnlySpan<long> histogram)
    {
        int n = Permuted.Length;
        double h1 = 0, h2 = 0;
        var re = new double[n];
        var im = new double[n];
        for (int x = 0; x < n; x++)
        {
            re[x] = histogram[x];
            h1 += histogram[x];
            h2 += (double)histogram[x] * histogram[x];
        }

        // ||error||_inf <= rho (h1 ||t||_2 + ||t||_1 ||h||_2 + sqrt(n) h1) + 3 u h1 ||t||_2.
        double rho = Fft.RelativeError(n), t1 = TableOnes, t2 = Math.Sqrt(TableOnes);
        double bound = (rho * ((h1 * t2) + (t1 * Math.Sqrt(h2)) + (Math.Sqrt(n) * h1))) + (3 * Fft.UnitRoundoff * h1 * t2);
        if (bound >= 0.25)
        {
            throw new NotSupportedException($"The scored n-grams ({h1:F0}) are too many for an exact correlation over a table of {n} entries; split the corpus.");
        }

        Fft.Transform(re, im, inverse: false);
        for (int j = 0; j < n; j++)
        {
            // conj(H) T: the transform of the cross-correlation.
            double hr = re[j], hi = im[j], tr = _real[j], ti = _imaginary[j];
            re[j] = (hr * tr) + (hi * ti);
            im[j] = (hr * ti) - (hi * tr);
        }

        Fft.Transform(re, im, inverse: true);
        var ones = new long[n];
        long total = 0;
        for (int o = 0; o < n; o++)
        {
            ones[o] = (long)Math.Round(re[o]);
            total += ones[o];
        }

        // Every n-gram meets every table entry once over all offsets.
        if (total != (long)h1 * TableOnes)
        {
            throw new InvalidOperationException("The correlation of the table with the scored n-grams failed its checksum.");
        }

        return ones;
    }
}
