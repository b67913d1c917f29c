using System;
using System.Diagnostics;
using Distill.ExpEdit;
using Distill.Fingerprinting;
using Distill.Gumbel;
using Distill.Interop;
using LLama.Native;

namespace Distill.LLamaSharp;

/// <summary>
/// A llama.cpp sampler stage (<see cref="ICustomSampler"/>, added with
/// <see cref="SafeLLamaSamplerChainHandle.AddCustom{TSampler}(TSampler)"/>) that applies one
/// <see cref="WatermarkSession"/> of a Distill scheme to each step's candidates.
/// </summary>
/// <remarks>
/// <para>
/// A scheme takes one of two roles (<see cref="Create(WatermarkScheme, ReadOnlySpan{int})"/> picks it):
/// a <em>bias</em> stage (KGW, Unigram, SynthID-Text, the tenant fingerprint, <c>hf-kgw</c>,
/// <c>hf-synthid</c>) rewrites the candidates' logits and belongs after temperature and truncation,
/// before the distribution sampler; a <em>choice</em> stage (Gumbel-max, EXP-edit, <c>vllm-gumbel</c>)
/// selects the scheme's token and belongs last, after the distribution sampler, whose selection it
/// keeps at the steps the scheme leaves unwatermarked. <see cref="WatermarkSamplingPipeline"/> builds
/// that chain.
/// </para>
/// <para>
/// llama.cpp hands a stage the surviving candidates only, often sorted and truncated (top-k, top-p).
/// The stage writes their logits into a vocabulary-sized buffer whose other entries are negative
/// infinity (masked), lets the session process it, and copies the result back; the buffer is
/// allocated once, so a step allocates nothing. The session sees the prompt through
/// <see cref="Reset(ReadOnlySpan{int})"/> (llama.cpp accepts only sampled tokens) and each sampled
/// token through <see cref="Accept(LLamaToken)"/>, which the chain calls after every sample.
/// </para>
/// <para>
/// Exceptions cannot cross llama.cpp's native frames, so everything that can be refused is refused
/// when the stage is made: use <see cref="Create(WatermarkScheme, SafeLlamaModelHandle, ReadOnlySpan{int})"/>
/// (or the pipeline, which checks when its chain is built) so that a model whose vocabulary differs
/// from the scheme's descriptor is refused before generation starts. Not thread-safe, like the
/// session: one stage per sequence.
/// </para>
/// </remarks>
public abstract class WatermarkSamplerStage : ICustomSampler
{
    private readonly float[] _logits;
    private readonly TenantId? _tenant;
    private int[] _history;
    private int _promptLength;
    private int _count;

    /// <summary>Initializes the stage: a fresh session of <paramref name="scheme"/> on <paramref name="prompt"/>.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <param name="tenant">For a <see cref="FingerprintScheme"/>, the tenant whose codeword the session embeds; <see langword="null"/> for the zero-bit watermark alone.</param>
    private protected WatermarkSamplerStage(WatermarkScheme scheme, ReadOnlySpan<int> prompt, TenantId? tenant)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        Scheme = scheme;
        _tenant = tenant;
        Session = tenant is { } t ? ((FingerprintScheme)scheme).CreateSession(t, prompt) : scheme.CreateSession(prompt);
        _logits = new float[scheme.VocabularySize];
        _logits.AsSpan().Fill(float.NegativeInfinity);
        _history = new int[Math.Max(64, prompt.Length * 2)];
        prompt.CopyTo(_history);
        _promptLength = prompt.Length;
        _count = prompt.Length;
    }

    /// <summary>Gets the scheme this stage embeds.</summary>
    public WatermarkScheme Scheme { get; }

    /// <summary>Gets the session: its <see cref="WatermarkSession.Position"/> counts the prompt and the accepted tokens.</summary>
    public WatermarkSession Session { get; }

    /// <summary>Gets whether this stage selects the token (the final stage) rather than biasing the logits.</summary>
    public abstract bool SelectsToken { get; }

    /// <inheritdoc />
    public string Name => "distill-" + Scheme.Descriptor.Scheme;

    /// <summary>Creates the stage for a scheme's role: a choice stage for Gumbel-max, EXP-edit and vLLM's watermark, a bias stage otherwise.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="prompt">The prompt's token ids, in the scheme's vocabulary.</param>
    /// <returns>The stage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public static WatermarkSamplerStage Create(WatermarkScheme scheme, ReadOnlySpan<int> prompt) =>
        IsChoiceScheme(scheme) ? new WatermarkChoiceStage(scheme, prompt) : new WatermarkBiasStage(scheme, prompt);

    /// <summary>Creates the bias stage of a tenant's fingerprint: the session embeds the tenant's codeword on top of the zero-bit watermark.</summary>
    /// <param name="scheme">The fingerprint scheme.</param>
    /// <param name="tenant">The tenant this request is served to.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <returns>The stage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public static WatermarkSamplerStage Create(FingerprintScheme scheme, TenantId tenant, ReadOnlySpan<int> prompt) =>
        new WatermarkBiasStage(scheme, tenant, prompt);

    /// <summary>Creates the stage for a scheme's role after checking that the model's vocabulary is the scheme's.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="model">The model whose logits the stage will see.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <returns>The stage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The model's vocabulary size differs from the scheme's descriptor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the scheme's vocabulary.</exception>
    public static WatermarkSamplerStage Create(WatermarkScheme scheme, SafeLlamaModelHandle model, ReadOnlySpan<int> prompt)
    {
        CheckVocabulary(scheme, model);
        return Create(scheme, prompt);
    }

    /// <summary>Gets whether a scheme chooses the token (Gumbel-max, EXP-edit, vLLM's Gumbel-max) rather than biasing the logits.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <returns><see langword="true"/> for a choice scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    public static bool IsChoiceScheme(WatermarkScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        return scheme is GumbelScheme or ExpEditScheme or VllmGumbelScheme;
    }

    /// <summary>Refuses a model whose vocabulary size is not the scheme's.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="model">The model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The vocabulary sizes differ.</exception>
    public static void CheckVocabulary(WatermarkScheme scheme, SafeLlamaModelHandle model)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(model);
        int modelVocabulary = model.Vocab.Count;
        if (modelVocabulary != scheme.VocabularySize)
        {
            throw new ArgumentException(
                $"The model's vocabulary has {modelVocabulary} tokens but the '{scheme.Descriptor.Scheme}' scheme was made for " +
                $"{scheme.VocabularySize} (descriptor tokenizer '{scheme.Descriptor.Tokenizer ?? "unnamed"}'): create the scheme " +
                "with the model's vocabulary size, or load the profile made for this model.",
                nameof(model));
        }
    }

    /// <summary>Processes one step's candidates: biases their logits, or selects the scheme's token.</summary>
    /// <param name="tokenData">The candidates (llama.cpp's <c>llama_token_data_array</c>).</param>
    public void Apply(ref LLamaTokenDataArrayNative tokenData)
    {
        Span<LLamaTokenData> candidates = tokenData.Data;
        float[] logits = _logits;
        foreach (ref readonly LLamaTokenData candidate in candidates)
        {
            Debug.Assert((uint)(int)candidate.ID < (uint)logits.Length, "The vocabulary was checked when the stage was made.");
            logits[(int)candidate.ID] = candidate.Logit;
        }

        Session.ProcessLogits(logits);
        ApplyCore(ref tokenData, logits);

        // Back to all negative infinity for the next step, touching only the candidates' entries.
        foreach (ref readonly LLamaTokenData candidate in candidates)
        {
            logits[(int)candidate.ID] = float.NegativeInfinity;
        }
    }

    /// <summary>Feeds the sampled token to the session.</summary>
    /// <param name="token">The token llama.cpp sampled.</param>
    public void Accept(LLamaToken token)
    {
        int id = (int)token;
        Session.Accept(id);
        if (_count == _history.Length)
        {
            Array.Resize(ref _history, _history.Length * 2);
        }

        _history[_count++] = id;
    }

    /// <summary>Starts the same request again: the session returns to the prompt it was last given.</summary>
    public void Reset()
    {
        Session.Reset(_history.AsSpan(0, _promptLength));
        _count = _promptLength;
    }

    /// <summary>Starts a new request on another prompt.</summary>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the vocabulary; nothing changes then.</exception>
    public void Reset(ReadOnlySpan<int> prompt)
    {
        Session.Reset(prompt);
        if (prompt.Length > _history.Length)
        {
            _history = new int[prompt.Length * 2];
        }

        prompt.CopyTo(_history);
        _promptLength = prompt.Length;
        _count = prompt.Length;
    }

    /// <summary>Creates a stage of the same scheme at the same point: the prompt, then the tokens accepted since.</summary>
    /// <returns>The clone.</returns>
    /// <remarks>A fingerprint stage's clone embeds the same tenant. A scheme that draws a per-request variant (Gumbel-max with several variants) draws the clone's afresh.</remarks>
    public ICustomSampler Clone()
    {
        ReadOnlySpan<int> prompt = _history.AsSpan(0, _promptLength);
        WatermarkSamplerStage clone = _tenant is { } tenant ? Create((FingerprintScheme)Scheme, tenant, prompt) : Create(Scheme, prompt);
        for (int i = _promptLength; i < _count; i++)
        {
            clone.Accept((LLamaToken)_history[i]);
        }

        return clone;
    }

    /// <summary>Releases nothing: the stage holds managed memory only (llama.cpp calls this when its chain is freed).</summary>
    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>When overridden, writes the processed logits back to the candidates or selects the token.</summary>
    /// <param name="tokenData">The candidates.</param>
    /// <param name="processed">The session's output over the whole vocabulary (negative infinity off the candidates).</param>
    private protected abstract void ApplyCore(ref LLamaTokenDataArrayNative tokenData, ReadOnlySpan<float> processed);
}
