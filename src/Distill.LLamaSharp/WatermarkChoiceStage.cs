using System;
using System.Security.Cryptography;
using LLama.Native;

namespace Distill.LLamaSharp;

/// <summary>
/// The final stage of a scheme that chooses the token (Gumbel-max, EXP-edit, vLLM's Gumbel-max): at a
/// watermarked step it selects the scheme's token among the candidates; at a step the scheme leaves
/// unwatermarked (too little context, a repeated context) it keeps the selection of the distribution
/// sampler before it.
/// </summary>
/// <remarks>
/// Place it last, after temperature, truncation and the distribution sampler: the scheme's choice is
/// an exact sample of the distribution those stages define. When no stage before it selected a token,
/// it samples the candidates' softmax itself at unwatermarked steps. Not thread-safe.
/// </remarks>
public sealed class WatermarkChoiceStage : WatermarkSamplerStage
{
    private ulong _state;

    /// <summary>Initializes a choice stage.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="scheme"/> biases logits: use <see cref="WatermarkBiasStage"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public WatermarkChoiceStage(WatermarkScheme scheme, ReadOnlySpan<int> prompt)
        : base(CheckRole(scheme), prompt, null)
    {
        _state = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) | 1;
    }

    /// <inheritdoc />
    public override bool SelectsToken => true;

    /// <inheritdoc />
    private protected override void ApplyCore(ref LLamaTokenDataArrayNative tokenData, ReadOnlySpan<float> processed)
    {
        Span<LLamaTokenData> candidates = tokenData.Data;
        int chosen = -1;
        int finite = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            if (!float.IsNegativeInfinity(processed[(int)candidates[i].ID]))
            {
                chosen = i;
                finite++;
            }
        }

        if (finite == 1)
        {
            // The session left one token unmasked: the watermarked choice of this step.
            tokenData.Selected = chosen;
        }
        else if (tokenData.Selected < 0)
        {
            tokenData.Selected = SampleSoftmax(candidates);
        }
    }

    private static WatermarkScheme CheckRole(WatermarkScheme scheme) =>
        IsChoiceScheme(scheme) ? scheme :
        throw new ArgumentException($"The '{scheme.Descriptor.Scheme}' scheme biases logits: use a {nameof(WatermarkBiasStage)} before the distribution sampler.", nameof(scheme));

    // An unwatermarked step with no sampler before this stage: draw from the candidates' softmax.
    private int SampleSoftmax(ReadOnlySpan<LLamaTokenData> candidates)
    {
        float max = float.NegativeInfinity;
        foreach (LLamaTokenData c in candidates)
        {
            max = Math.Max(max, c.Logit);
        }

        double total = 0;
        foreach (LLamaTokenData c in candidates)
        {
            total += Math.Exp(c.Logit - max);
        }

        double u = NextUniform() * total;
        int last = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            if (float.IsNegativeInfinity(candidates[i].Logit))
            {
                continue;
            }

            last = i;
            u -= Math.Exp(candidates[i].Logit - max);
            if (u < 0)
            {
                return i;
            }
        }

        return last;
    }

    private double NextUniform()
    {
        unchecked
        {
            // xorshift64*: a sampling fallback, not a key; the watermark never depends on it.
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return ((_state * 0x2545F4914F6CDD1DUL) >> 11) * (1.0 / (1UL << 53));
        }
    }
}
