using System;

namespace Distill.Evaluation;

/// <summary>
/// How <see cref="TextGenerator"/> picks each token: temperature, top-k and top-p truncation, and
/// the seed of its pseudo-random generator. Validated when each property is set.
/// </summary>
/// <remarks>
/// The defaults (<c>new SamplingOptions()</c>) sample from the model's distribution unchanged:
/// temperature 1, no top-k, no top-p, seed 0.
/// </remarks>
public sealed record SamplingOptions
{
    private readonly double _temperature = 1;
    private readonly int _topK;
    private readonly double _topP = 1;

    /// <summary>Gets options for greedy decoding: temperature 0, no truncation.</summary>
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0 };

    /// <summary>
    /// Gets the softmax temperature: 0 for greedy decoding (always the most likely token), or a
    /// finite value of at least 1e-6 by which the logits are divided. Default 1.
    /// </summary>
    /// <remarks>
    /// Positive temperatures below 1e-6 are refused: dividing single-precision logits by them
    /// overflows to negative infinity, and they select the same token as greedy decoding anyway.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, between 0 and 1e-6, infinite or NaN.</exception>
    public double Temperature
    {
        get => _temperature;
        init
        {
            if (!double.IsFinite(value) || value < 0 || (value > 0 && value < 1e-6))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Temperature must be 0 (greedy) or a finite value of at least 1e-6.");
            }

            _temperature = value;
        }
    }

    /// <summary>Gets the number of most likely tokens kept before sampling; 0 (the default) keeps all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int TopK
    {
        get => _topK;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "TopK must be at least 0 (0 means off).");
            }

            _topK = value;
        }
    }

    /// <summary>Gets the nucleus mass: the smallest set of most likely tokens with at least this probability is kept. In (0, 1]; 1 (the default) keeps all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not greater than 0 and at most 1.</exception>
    public double TopP
    {
        get => _topP;
        init
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "TopP must be greater than 0 and at most 1 (1 means off).");
            }

            _topP = value;
        }
    }

    /// <summary>Gets the seed of the generator's xoshiro256** pseudo-random generator; the same seed gives the same tokens.</summary>
    public ulong Seed { get; init; }
}
