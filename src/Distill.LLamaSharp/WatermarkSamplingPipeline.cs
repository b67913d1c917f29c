using System;
using System.Security.Cryptography;
using Distill.Fingerprinting;
using LLama.Native;
using LLama.Sampling;

namespace Distill.LLamaSharp;

/// <summary>
/// A LLamaSharp sampling pipeline that watermarks with a Distill scheme: top-k, top-p, temperature,
/// then the scheme's bias stage, the distribution sampler, and the scheme's choice stage.
/// </summary>
/// <remarks>
/// <para>
/// Use it wherever LLamaSharp takes an <see cref="ISamplingPipeline"/> (for example
/// <c>InferenceParams.SamplingPipeline</c>), one pipeline per sequence. The chain is built on the first
/// <see cref="BaseSamplingPipeline.Sample"/>, and a model whose vocabulary differs from the scheme's
/// descriptor is refused then (<see cref="ArgumentException"/>, before any token is sampled).
/// </para>
/// <para>
/// The order follows the references: the watermark acts on the distribution that temperature and
/// truncation define. A bias scheme (KGW, Unigram, SynthID-Text, ...) shifts the candidates' logits
/// before the distribution sampler draws; a choice scheme (Gumbel-max, EXP-edit, vLLM's) replaces the
/// draw at each watermarked step by its keyed choice, an exact sample of the same distribution.
/// </para>
/// </remarks>
public sealed class WatermarkSamplingPipeline : BaseSamplingPipeline
{
    /// <summary>Initializes a pipeline for one request.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="prompt">The prompt's token ids (the session's first context); llama.cpp passes only sampled tokens to the stages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public WatermarkSamplingPipeline(WatermarkScheme scheme, ReadOnlySpan<int> prompt)
    {
        Stage = WatermarkSamplerStage.Create(scheme, prompt);
    }

    /// <summary>Initializes a pipeline for one request served to a tenant: the fingerprint's session embeds the tenant's codeword.</summary>
    /// <param name="scheme">The fingerprint scheme.</param>
    /// <param name="tenant">The tenant this request is served to.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public WatermarkSamplingPipeline(FingerprintScheme scheme, TenantId tenant, ReadOnlySpan<int> prompt)
    {
        Stage = WatermarkSamplerStage.Create(scheme, tenant, prompt);
    }

    /// <summary>Gets the watermark stage (its session, and <see cref="WatermarkSamplerStage.Reset(ReadOnlySpan{int})"/> for a new prompt).</summary>
    public WatermarkSamplerStage Stage { get; }

    /// <summary>Gets the temperature applied before the watermark; 0.8 by default.</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Gets the number of most likely tokens kept (top-k); 40 by default, 0 keeps every token.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Gets the nucleus mass kept (top-p); 0.95 by default, 1 keeps every token.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Gets the seed of the distribution sampler; random by default.</summary>
    /// <remarks>The watermark's randomness comes from the key, never from this seed.</remarks>
    public uint Seed { get; init; } = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The model's vocabulary size differs from the scheme's.</exception>
    protected override SafeLLamaSamplerChainHandle CreateChain(SafeLLamaContextHandle context)
    {
        ArgumentNullException.ThrowIfNull(context);
        WatermarkSamplerStage.CheckVocabulary(Stage.Scheme, context.ModelHandle);
        SafeLLamaSamplerChainHandle chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (TopK > 0)
        {
            chain.AddTopK(TopK);
        }

        if (TopP < 1)
        {
            chain.AddTopP(TopP, 1);
        }

        chain.AddTemperature(Temperature);
        if (!Stage.SelectsToken)
        {
            chain.AddCustom(Stage);
        }

        chain.AddDistributionSampler(Seed);
        if (Stage.SelectsToken)
        {
            chain.AddCustom(Stage);
        }

        return chain;
    }
}
