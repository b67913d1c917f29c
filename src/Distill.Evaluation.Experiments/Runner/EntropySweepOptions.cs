using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Runner;

/// <summary>The size and seed of an entropy sweep (see <see cref="EntropySweep"/>). Validated when each property is set; immutable.</summary>
public sealed record EntropySweepOptions
{
    /// <summary>
    /// The standard settings: the runner's temperature 1 without truncation, then top-p 0.9 at
    /// temperatures 1.0, 0.85, 0.7, 0.5 and 0.3. With the built-in trigram model, 0.5 lands in the
    /// 1-2 nats per token of chat models and 0.3 below it, so no lower temperature is needed.
    /// </summary>
    public static readonly IReadOnlyList<SamplingSetting> StandardSettings =
    [
        new(1.0, 1.0), new(1.0, 0.9), new(0.85, 0.9), new(0.7, 0.9), new(0.5, 0.9), new(0.3, 0.9),
    ];

    private readonly IReadOnlyList<EvaluationScheme> _schemes = EvaluationSchemes.Default;
    private readonly IReadOnlyList<SamplingSetting> _settings = StandardSettings;
    private readonly int _generations = 16;
    private readonly int _maxTokens = 200;
    private readonly int _step = 5;
    private readonly int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>Gets the schemes; default <see cref="EvaluationSchemes.Default"/>.</summary>
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

    /// <summary>Gets the sampling settings (the rows); default <see cref="StandardSettings"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a setting twice, or a temperature that is not positive.</exception>
    public IReadOnlyList<SamplingSetting> Settings
    {
        get => _settings;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            SamplingSetting[] settings = [.. value];
            if (settings.Length == 0 || settings.Distinct().Count() != settings.Length)
            {
                throw new ArgumentException("Give at least one setting, each once.", nameof(Settings));
            }

            foreach (SamplingSetting setting in settings)
            {
                ArgumentNullException.ThrowIfNull(setting, nameof(Settings));
                if (setting.Temperature <= 0)
                {
                    throw new ArgumentException("Every temperature must be positive (greedy decoding has no entropy to sweep).", nameof(Settings));
                }

                _ = setting.ToSamplingOptions(0); // validates the range
            }

            _settings = settings;
        }
    }

    /// <summary>Gets the number of generations (prompts) per scheme and setting; default 16.</summary>
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

    /// <summary>Gets the tokens generated per generation, the longest prefix detected; default 200.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 10 or above 10,000.</exception>
    public int MaxTokens
    {
        get => _maxTokens;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 10, nameof(MaxTokens));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 10_000, nameof(MaxTokens));
            _maxTokens = value;
        }
    }

    /// <summary>Gets the spacing of the prefixes detected for the size (Step, 2 Step, ... up to <see cref="MaxTokens"/>); default 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Step
    {
        get => _step;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Step));
            _step = value;
        }
    }

    /// <summary>Gets the seed of keys, prompts and sampling; default 1.</summary>
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

    /// <summary>Gets the prefix lengths detected: multiples of <see cref="Step"/> below <see cref="MaxTokens"/>, then <see cref="MaxTokens"/>.</summary>
    public IReadOnlyList<int> PrefixLengths => [.. Enumerable.Range(1, (MaxTokens - 1) / Step).Select(i => i * Step), MaxTokens];
}
