using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Evaluation.Runner;

namespace Distill.Evaluation.Distillation;

/// <summary>
/// The size and seed of a distillation experiment (see <see cref="DistillationExperiment"/>).
/// Validated when each property is set; immutable.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>The standard watermarked shares of the student's training tokens: 0, 1%, 2%, 5%, 10% and 100%.</summary>
    public static readonly IReadOnlyList<double> StandardRhos = [0, 0.01, 0.02, 0.05, 0.1, 1];

    /// <summary>The standard checkpoints at which the closed-model tests are read: 1k, 3k, 10k, 30k and 100k student tokens.</summary>
    public static readonly IReadOnlyList<int> StandardCheckpoints = [1_000, 3_000, 10_000, 30_000, 100_000];

    private readonly IReadOnlyList<EvaluationScheme> _schemes = DistillationExperiment.DefaultSchemes;
    private readonly IReadOnlyList<double> _rhos = StandardRhos;
    private readonly int _studentTokens = 100_000;
    private readonly int _studentOrder = 3;
    private readonly int _humanDocuments = 300;
    private readonly int _calibrationRuns = 100;
    private readonly int _calibrationTeacherResponses = 20;
    private readonly int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>Gets the schemes the teacher watermarks with; default <see cref="DistillationExperiment.DefaultSchemes"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty or holds two schemes of the same name.</exception>
    public IReadOnlyList<EvaluationScheme> Schemes
    {
        get => _schemes;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            EvaluationScheme[] schemes = [.. value];
            if (schemes.Length == 0 || schemes.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != schemes.Length)
            {
                throw new ArgumentException("Give at least one scheme, each name once.", nameof(Schemes));
            }

            _schemes = schemes;
        }
    }

    /// <summary>
    /// Gets the watermarked shares rho of the student's training tokens, in increasing order, each in
    /// [0, 1]; default <see cref="StandardRhos"/>. 1 trains the student on the teacher corpus alone.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, not strictly increasing, or holds a value outside [0, 1].</exception>
    public IReadOnlyList<double> Rhos
    {
        get => _rhos;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            double[] rhos = [.. value];
            bool increasing = rhos.Zip(rhos.Skip(1), (a, b) => a < b).All(x => x);
            if (rhos.Length == 0 || !increasing || rhos.Any(r => !(r >= 0 && r <= 1)))
            {
                throw new ArgumentException("Give at least one share, strictly increasing, each in [0, 1].", nameof(Rhos));
            }

            _rhos = rhos;
        }
    }

    /// <summary>Gets the number of tokens the student writes (its answers to held-out prompts), the last checkpoint; default 100,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 200 or above 10,000,000.</exception>
    public int StudentTokens
    {
        get => _studentTokens;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, DistillationExperiment.ResponseTokens, nameof(StudentTokens));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 10_000_000, nameof(StudentTokens));
            _studentTokens = value;
        }
    }

    /// <summary>Gets the student's order (a <see cref="KneserNeyModel"/> of 3 to 5); default 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 3 or above <see cref="KneserNeyModel.MaxOrder"/>.</exception>
    public int StudentOrder
    {
        get => _studentOrder;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 3, nameof(StudentOrder));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, KneserNeyModel.MaxOrder, nameof(StudentOrder));
            _studentOrder = value;
        }
    }

    /// <summary>Gets the number of Brown training documents (in corpus order) in the student's human training text; default all 300.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 300.</exception>
    public int HumanDocuments
    {
        get => _humanDocuments;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(HumanDocuments));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 300, nameof(HumanDocuments));
            _humanDocuments = value;
        }
    }

    /// <summary>Gets the number of rho = 0 runs with different keys (0 skips the calibration); default 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above 100,000.</exception>
    public int CalibrationRuns
    {
        get => _calibrationRuns;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(CalibrationRuns));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100_000, nameof(CalibrationRuns));
            _calibrationRuns = value;
        }
    }

    /// <summary>
    /// Gets the number of watermarked teacher responses (200 tokens each) generated under each
    /// calibration key, for the supervised filter and the open-model texts; default 20.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 10,000.</exception>
    public int CalibrationTeacherResponses
    {
        get => _calibrationTeacherResponses;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(CalibrationTeacherResponses));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 10_000, nameof(CalibrationTeacherResponses));
            _calibrationTeacherResponses = value;
        }
    }

    /// <summary>Gets the seed of every random choice: keys, prompts, teacher and student sampling; default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Gets the number of threads; default the processor count. The results do not depend on it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxDegreeOfParallelism));
            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Gets the checkpoints: the <see cref="StandardCheckpoints"/> below <see cref="StudentTokens"/>, then <see cref="StudentTokens"/>.</summary>
    public IReadOnlyList<int> Checkpoints => [.. StandardCheckpoints.Where(c => c < StudentTokens), StudentTokens];
}
