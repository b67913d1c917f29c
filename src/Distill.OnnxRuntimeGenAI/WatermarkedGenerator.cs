using System;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Distill.OnnxRuntimeGenAI;

/// <summary>
/// Runs a watermarked generation loop over an ONNX Runtime GenAI <see cref="Generator"/>: each step
/// reads the model's logits, lets a <see cref="WatermarkSession"/> bias them (KGW, Unigram,
/// SynthID-Text, the fingerprint, Hugging Face's schemes) or choose the token (Gumbel-max, EXP-edit,
/// vLLM's Gumbel), writes them back or appends the chosen token, and feeds the emitted token to the
/// session.
/// </summary>
/// <remarks>
/// <para>
/// Bias schemes: the biased logits are written back with <c>OgaGenerator_SetLogits</c> and the
/// generator's own search (the <c>genai_config.json</c> or <see cref="GeneratorParams"/> options:
/// <c>do_sample</c>, <c>temperature</c>, <c>top_k</c>, <c>top_p</c>) samples from them. The
/// generator applies temperature and truncation after the bias, not before as the references do;
/// with temperature 1 and no truncation the two orders agree. Choice schemes leave exactly one
/// token unmasked; that token is appended with <see cref="Generator.AppendTokens"/> and the
/// generator's search is not used, so its sampling options do not apply to those steps.
/// </para>
/// <para>
/// The managed <see cref="Generator"/> of Microsoft.ML.OnnxRuntimeGenAI 0.20 has no call for the
/// logits; this type calls the C API (<c>OgaGenerator_GetLogits</c>, <c>OgaGenerator_SetLogits</c>)
/// on the generator's native handle. The logits buffer and the tensor that writes it back are
/// allocated once, on the first step; nothing is allocated on the managed heap per token.
/// <c>OgaGenerator_GetLogits</c> returns a native copy each step, freed at once.
/// </para>
/// <para>
/// One sequence only (batch size 1, <c>num_beams</c> 1), float32 logits. Not thread-safe: one
/// instance per generator, like the session. Disposing it frees its buffers, not the generator or
/// the session.
/// </para>
/// </remarks>
public sealed class WatermarkedGenerator : IDisposable
{
    private readonly ILogitsLoop _loop;

    /// <summary>Creates a watermarked loop over a generator.</summary>
    /// <param name="generator">The generator, created with batch size 1 and <c>num_beams</c> 1; the caller keeps owning it.</param>
    /// <param name="session">The watermark session; its <see cref="WatermarkSession.VocabularySize"/> must equal the model's.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    public WatermarkedGenerator(Generator generator, WatermarkSession session)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(session);
        _loop = new GeneratorLogitsLoop(generator);
        Session = session;
    }

    /// <summary>Creates a watermarked loop over any <see cref="ILogitsLoop"/> (the tests' fake generator).</summary>
    internal WatermarkedGenerator(ILogitsLoop loop, WatermarkSession session)
    {
        _loop = loop;
        Session = session;
    }

    /// <summary>Gets the watermark session that biases or chooses each token.</summary>
    public WatermarkSession Session { get; }

    /// <summary>Gets whether the generator has finished (end of sequence or maximum length).</summary>
    public bool IsDone => _loop.IsDone;

    /// <summary>Starts a request: resets the session to the prompt and appends the prompt to the generator.</summary>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is outside the session's vocabulary; nothing is changed.</exception>
    public void AppendPrompt(ReadOnlySpan<int> prompt)
    {
        Session.Reset(prompt);
        _loop.AppendTokens(prompt);
    }

    /// <summary>Generates one watermarked token.</summary>
    /// <returns>The token emitted at this step (also appended to the generator's sequence and accepted by the session).</returns>
    /// <exception cref="InvalidOperationException">
    /// The model's logits do not have the session's vocabulary size (the scheme was created for
    /// another vocabulary, or the generator runs more than one sequence), or are not float32; or a C
    /// API call failed (the message starts with <c>onnxruntime-genai:</c> and gives the runtime's).
    /// </exception>
    /// <exception cref="OnnxRuntimeGenAIException">The managed generator refused a call (its message says why).</exception>
    public int GenerateNextToken()
    {
        Span<float> logits = _loop.ReadLogits(Session.VocabularySize);
        Session.ProcessLogits(logits);
        int token = OnlyUnmasked(logits);
        if (token >= 0)
        {
            _loop.AppendTokens(new ReadOnlySpan<int>(in token));
        }
        else
        {
            token = _loop.SampleFromLogits();
        }

        Session.Accept(token);
        return token;
    }

    /// <summary>Frees the logits buffer and the native tensor; the generator and the session stay usable.</summary>
    public void Dispose() => _loop.Dispose();

    /// <summary>The one token whose logit is not negative infinity (a choice scheme's pick), or -1.</summary>
    internal static int OnlyUnmasked(ReadOnlySpan<float> logits)
    {
        int first = logits.IndexOfAnyExcept(float.NegativeInfinity);
        return first >= 0 && logits[(first + 1)..].IndexOfAnyExcept(float.NegativeInfinity) < 0 ? first : -1;
    }
}
