using System;
using System.Linq;
using Distill.Evaluation.Calibration;
using Distill.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Evaluation.Tests.Calibration;

/// <summary>
/// The rule that turns a bucket's passage p-values into a threshold for a target false-positive
/// rate, checked against the definition of the Clopper-Pearson upper bound through the binomial
/// tail rather than through the bisection that computes it.
/// </summary>
public sealed class CalibrationThresholdTests
{
    private const double Confidence = 0.95;
    private static readonly double s_halfAlpha = (1 - Confidence) / 2;
    private static readonly double[] s_targets = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3];

    // The upper end of the two-sided interval of k in n is at or below r exactly when observing k or
    // fewer is at most half the miscoverage under rate r (the lower tail decreases in the rate).
    private static bool Certifies(int k, int n, double r) => Math.Exp(Binomial.LogLowerTail(k, n, r)) <= s_halfAlpha;

    private static int CountAtMost(double[] values, double t) => values.Count(v => v <= t);

    // Passage log10 p-values: uniform (calibrated), or inflated by a power below 1, with ties from rounding.
    private static double[] Sample(Random random)
    {
        int n = random.Next(1, 4000);
        double power = random.Next(3) switch { 0 => 1.0, 1 => 0.6 + (0.4 * random.NextDouble()), _ => 1.0 + random.NextDouble() };
        int digits = random.Next(4) == 0 ? 1 : 12;
        double[] values = [.. Enumerable.Range(0, n).Select(_ => Math.Round(power * Math.Log10(1 - random.NextDouble()), digits))];
        Array.Sort(values);
        return values;
    }

    [Property(MaxTest = 200, Replay = "(1618033,9887)")]
    public Property The_measured_threshold_is_certified_and_the_largest_candidate(int seed)
    {
        var random = new Random(seed);
        double[] values = Sample(random);
        int n = values.Length;
        double target = s_targets[random.Next(s_targets.Length)];
        double nominal = Math.Log10(target);
        double? found = CalibrationThreshold.Certify(Array.AsReadOnly(values), target, Confidence);
        if (found is not { } t)
        {
            // Not certifiable: even zero false positives would leave the upper bound above the target.
            return (!Certifies(0, n, target)).Label($"n {n}, target {target}: refused although zero would certify");
        }

        int k = CountAtMost(values, t);
        bool certified = Certifies(k, n, target);
        bool notLooser = t <= nominal;

        // No larger candidate (a passage value up to the nominal level, or the nominal level itself) is certified.
        // Counted in one sweep of the sorted values: the last of a run of ties counts its whole run.
        bool largest = !Certifies(CountAtMost(values, nominal), n, target) || t == nominal;
        for (int i = 0; i < n && largest; i++)
        {
            bool lastOfTies = i == n - 1 || values[i + 1] != values[i];
            if (lastOfTies && values[i] > t && values[i] <= nominal)
            {
                largest = !Certifies(i + 1, n, target);
            }
        }

        // The threshold is a candidate, or just below the smallest passage value when none is.
        bool candidate = t == nominal || values.Contains(t) || (t == Math.BitDecrement(values[0]) && !Certifies(CountAtMost(values, values[0]), n, target));
        return (certified && notLooser && largest && candidate).Label($"n {n}, target {target}: t {t}, {k} at or below; certified {certified}, not looser {notLooser}, largest {largest}, candidate {candidate}");
    }

    [Property(MaxTest = 100, Replay = "(271828,31415)")]
    public Property Passages_needed_is_the_fewest_for_which_zero_false_positives_certify_the_target(int seed)
    {
        var random = new Random(seed);
        double target = Math.Pow(10, -1 - (5 * random.NextDouble()));
        long needed = CalibrationThreshold.NeededPassages(target, Confidence);

        // Zero in n has the closed-form Clopper-Pearson upper bound 1 - (half the miscoverage)^(1/n).
        long closedForm = (long)Math.Ceiling(Math.Log(s_halfAlpha) / Math.Log(1 - target));
        bool enough = CalibrationThreshold.IsCertifiable((int)needed, target, Confidence);
        bool fewer = !CalibrationThreshold.IsCertifiable((int)needed - 1, target, Confidence);
        return (Math.Abs(needed - closedForm) <= 1 && enough && fewer && 1 - Math.Pow(s_halfAlpha, 1.0 / needed) <= target * (1 + 1e-9))
            .Label($"target {target}: needed {needed}, closed form {closedForm}");
    }

    [Fact]
    public void The_clopper_pearson_upper_bound_matches_its_closed_form_at_zero_and_its_tail_elsewhere()
    {
        foreach (int n in new[] { 1, 10, 368, 5000, 100_000 })
        {
            Assert.Equal(1 - Math.Pow(s_halfAlpha, 1.0 / n), CalibrationThreshold.UpperBound(0, n, Confidence), 12);
            foreach (int k in new[] { 1, 3, n / 2 }.Where(k => k >= 1 && k < n))
            {
                double upper = CalibrationThreshold.UpperBound(k, n, Confidence);
                Assert.Equal(s_halfAlpha, Math.Exp(Binomial.LogLowerTail(k, n, upper)), 6);
            }
        }
    }

    [Fact]
    public void Without_any_passage_at_or_below_the_target_the_nominal_level_is_the_threshold()
    {
        double target = 1e-2;
        int n = (int)CalibrationThreshold.NeededPassages(target, Confidence);
        double[] values = [.. Enumerable.Range(0, n).Select(i => -1.0 + (i * 1e-4))];
        Assert.Equal(Math.Log10(target), CalibrationThreshold.Certify(values, target, Confidence));
        Assert.Null(CalibrationThreshold.Certify(values[1..], target, Confidence));

        // One passage at the target with room for none: the threshold moves just below it.
        values[0] = -2.5;
        Assert.Equal(Math.BitDecrement(-2.5), CalibrationThreshold.Certify(values, target, Confidence));
    }
}
