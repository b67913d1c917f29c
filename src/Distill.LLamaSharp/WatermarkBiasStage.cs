using System;
using Distill.Fingerprinting;
using LLama.Native;

namespace Distill.LLamaSharp;

/// <summary>
/// The stage of a scheme that biases logits (KGW, Unigram, SynthID-Text, the fingerprint, the Hugging
/// Face schemes): it rewrites the candidates' logits and leaves the choice to the distribution sampler
/// that follows it.
/// </summary>
/// <remarks>Place it after temperature and truncation and before the distribution sampler. Not thread-safe.</remarks>
public sealed class WatermarkBiasStage : WatermarkSamplerStage
{
    /// <summary>Initializes a bias stage.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="scheme"/> chooses tokens (<see cref="WatermarkSamplerStage.IsChoiceScheme"/>): use <see cref="WatermarkChoiceStage"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public WatermarkBiasStage(WatermarkScheme scheme, ReadOnlySpan<int> prompt)
        : base(CheckRole(scheme), prompt, null)
    {
    }

    /// <summary>Initializes the bias stage of a tenant's fingerprint: the session embeds the tenant's codeword on top of the zero-bit watermark.</summary>
    /// <param name="scheme">The fingerprint scheme.</param>
    /// <param name="tenant">The tenant this request is served to.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public WatermarkBiasStage(FingerprintScheme scheme, TenantId tenant, ReadOnlySpan<int> prompt)
        : base(scheme, prompt, tenant)
    {
    }

    /// <inheritdoc />
    public override bool SelectsToken => false;

    /// <inheritdoc />
    private protected override void ApplyCore(ref LLamaTokenDataArrayNative tokenData, ReadOnlySpan<float> processed)
    {
        foreach (ref LLamaTokenData candidate in tokenData.Data)
        {
            candidate.Logit = processed[(int)candidate.ID];
        }

        tokenData.Sorted = false;
    }

    private static WatermarkScheme CheckRole(WatermarkScheme scheme) =>
        !IsChoiceScheme(scheme) ? scheme :
        throw new ArgumentException($"The '{scheme.Descriptor.Scheme}' scheme chooses the token: use a {nameof(WatermarkChoiceStage)} as the chain's final stage.", nameof(scheme));
}
