using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Calibration;

/// <summary>
/// What <see cref="CalibrationRun"/> measures: the passage lengths, the significance levels, the
/// confidence of the intervals and whether repeated pairs are scored once. Validated when each
/// property is set; immutable.
/// </summary>
public sealed record CalibrationOptions
{
    private readonly IReadOnlyList<int> _lengths = [32, 64, 128, 256, 512, 1024];
    private readonly IReadOnlyList<double> _alphas = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
    private readonly double _confidence = 0.95;

    /// <summary>Gets the defaults: lengths 32, 64, 128, 256, 512 and 1024 tokens; alphas 1e-2 to 1e-6 by factors of 10; 95% intervals; deduplication on.</summary>
    public static CalibrationOptions Default { get; } = new();

    /// <summary>Gets the passage lengths in tokens (the buckets), ascending and distinct.</summary>
    /// <exception cref="ArgumentException">The list is empty, not ascending, or holds a length below 1.</exception>
    public IReadOnlyList<int> Lengths
    {
        get => _lengths;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            int[] lengths = [.. value];
            if (lengths.Length == 0 || lengths[0] < 1 || lengths.Zip(lengths.Skip(1)).Any(p => p.First >= p.Second))
            {
                throw new ArgumentException("Lengths must be positive, strictly ascending and at least one.", nameof(Lengths));
            }

            _lengths = lengths;
        }
    }

    /// <summary>
    /// Gets the significance levels at which false positives are counted, each strictly between 0
    /// and 1; each is also a target false-positive rate for which a threshold is reported.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or holds a value outside (0, 1).</exception>
    public IReadOnlyList<double> Alphas
    {
        get => _alphas;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            double[] alphas = [.. value];
            if (alphas.Length == 0 || alphas.Any(a => !(a > 0 && a < 1)))
            {
                throw new ArgumentException("Alphas must be strictly between 0 and 1 and at least one.", nameof(Alphas));
            }

            _alphas = alphas;
        }
    }

    /// <summary>Gets the confidence of the exact (Clopper-Pearson) intervals; default 0.95.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not strictly between 0 and 1.</exception>
    public double Confidence
    {
        get => _confidence;
        init
        {
            if (!(value > 0 && value < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(Confidence), value, "The confidence must be strictly between 0 and 1.");
            }

            _confidence = value;
        }
    }

    /// <summary>
    /// Gets whether each distinct (context, token) pair is scored once (default
    /// <see langword="true"/>, as in detection). Off, the p-values of repetitive text are invalid,
    /// and the report says so.
    /// </summary>
    public bool Deduplicate { get; init; } = true;
}
