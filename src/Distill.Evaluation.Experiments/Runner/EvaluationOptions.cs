using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Runner;

/// <summary>
/// The size and seed of an evaluation run (see <see cref="EvaluationRunner"/>). Validated when each
/// property is set; immutable.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>The standard columns: prefixes of 25, 50, 100, 200, 400 and 1,000 tokens.</summary>
    public static readonly IReadOnlyList<int> StandardLengths = [25, 50, 100, 200, 400, 1000];

    private readonly IReadOnlyList<EvaluationScheme> _schemes = EvaluationSchemes.Default;
    private readonly IReadOnlyList<EvaluationAttack> _attacks = EvaluationAttack.All;
    private readonly int _generations = 50;
    private readonly int _maxTokens = 1000;
    private readonly int _humanPassages = 2000;
    private readonly int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>Gets the schemes to evaluate; default <see cref="EvaluationSchemes.Default"/>.</summary>
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

    /// <summary>Gets the attacks (the rows); default <see cref="EvaluationAttack.All"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty or holds an attack twice.</exception>
    public IReadOnlyList<EvaluationAttack> Attacks
    {
        get => _attacks;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            EvaluationAttack[] attacks = [.. value];
            if (attacks.Length == 0 || attacks.Distinct().Count() != attacks.Length)
            {
                throw new ArgumentException("Give at least one attack, each once.", nameof(Attacks));
            }

            _attacks = attacks;
        }
    }

    /// <summary>Gets the number of watermarked generations per scheme (the trials of every cell); default 50.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Generations
    {
        get => _generations;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Generations));
            _generations = value;
        }
    }

    /// <summary>
    /// Gets the number of tokens generated per generation, the longest column; default 1,000. The
    /// columns are the <see cref="StandardLengths"/> up to it, and it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 10 or above 100,000.</exception>
    public int MaxTokens
    {
        get => _maxTokens;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 10, nameof(MaxTokens));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100_000, nameof(MaxTokens));
            _maxTokens = value;
        }
    }

    /// <summary>Gets the largest number of human passages per column (fewer where the held-out text has fewer); default 2,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int HumanPassages
    {
        get => _humanPassages;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(HumanPassages));
            _humanPassages = value;
        }
    }

    /// <summary>Gets the seed of every random choice: keys, prompts, sampling, attacks and human passages; default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Gets the number of threads that generate and detect; default the processor count. The results do not depend on it.</summary>
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

    /// <summary>Gets the columns: the <see cref="StandardLengths"/> below <see cref="MaxTokens"/>, then <see cref="MaxTokens"/>.</summary>
    public IReadOnlyList<int> Lengths => [.. StandardLengths.Where(l => l < MaxTokens), MaxTokens];
}
