using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Distillation;

/// <summary>The p-values of the rho = 0 runs in one setting (one key per run): their calibration.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class DistillationCalibration
{
    private readonly double[] _sorted;

    internal DistillationCalibration(DistillationSetting setting, IReadOnlyList<double> log10PValues)
    {
        Setting = setting;
        Log10PValues = log10PValues;
        _sorted = [.. log10PValues.Order()];
    }

    /// <summary>Gets the setting.</summary>
    public DistillationSetting Setting { get; }

    /// <summary>Gets the log10 p-value of each run, in run order.</summary>
    public IReadOnlyList<double> Log10PValues { get; }

    /// <summary>Gets the smallest log10 p-value (0 when there are no runs).</summary>
    public double MinLog10PValue => _sorted.Length > 0 ? _sorted[0] : 0;

    /// <summary>Returns the fraction of runs with p at most alpha (calibrated p-values give at most alpha).</summary>
    /// <param name="alpha">The level, in (0, 1].</param>
    /// <returns>The fraction, 0 when there are no runs.</returns>
    public double FractionAtMost(double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alpha, 1);
        double limit = Math.Log10(alpha);
        return _sorted.Length == 0 ? 0 : _sorted.Count(v => v <= limit) / (double)_sorted.Length;
    }

    /// <summary>
    /// Gets the one-sided Kolmogorov-Smirnov excess <c>max_a (F(a) - a)</c> of the p-values' empirical
    /// distribution function over the uniform one: how far small p-values are more frequent than they
    /// should be. Conservative (discrete) p-values can only make it smaller.
    /// </summary>
    public double KolmogorovSmirnovExcess
    {
        get
        {
            double excess = 0;
            for (int i = 0; i < _sorted.Length; i++)
            {
                excess = Math.Max(excess, ((i + 1) / (double)_sorted.Length) - Math.Pow(10, _sorted[i]));
            }

            return excess;
        }
    }

    /// <summary>Gets the excess that uniform p-values exceed with probability 1%: <c>sqrt(ln(100) / 2n)</c> (0 when there are no runs).</summary>
    public double KolmogorovSmirnovCritical => _sorted.Length == 0 ? 0 : Math.Sqrt(Math.Log(100) / (2.0 * _sorted.Length));
}
