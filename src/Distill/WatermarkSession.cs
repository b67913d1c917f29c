using System;

namespace Distill;

/// <summary>
/// The per-request half of a watermark scheme: used inside one inference loop, it biases each
/// step's logits in place and then learns which token was emitted.
/// </summary>
/// <remarks>
/// <para>
/// A session is cheap to create, holds only the last few context tokens, and allocates nothing
/// per token. It is not thread-safe: use one session per generation stream (the
/// <see cref="WatermarkScheme"/> it came from is immutable and may be shared by every thread).
/// A session can be reused for another request with <see cref="Reset(ReadOnlySpan{int})"/>.
/// </para>
/// <para>
/// Call order per step: the model's logits, then temperature and truncation (top-k, top-p), then
/// <see cref="ProcessLogits(Span{float})"/>, then sampling, then <see cref="Accept(int)"/> with the
/// sampled token. Logits equal to negative infinity (masked or truncated tokens) stay negative
/// infinity.
/// </para>
/// </remarks>
public abstract class WatermarkSession
{
    /// <summary>Initializes the base class.</summary>
    protected WatermarkSession()
    {
    }

    /// <summary>Gets the vocabulary size: the length every logits span must have.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>Gets the number of tokens accepted (prompt included) since the last reset.</summary>
    public abstract long Position { get; }

    /// <summary>Biases one step's logits in place according to the current context.</summary>
    /// <param name="logits">The logits of every token of the vocabulary; modified in place.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> does not have <see cref="VocabularySize"/> elements, or contains NaN
    /// or positive infinity. Nothing is modified then.
    /// </exception>
    public abstract void ProcessLogits(Span<float> logits);

    /// <summary>Appends the token that was emitted at this step to the session's context.</summary>
    /// <param name="token">The emitted token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="token"/> is negative or not below <see cref="VocabularySize"/>.
    /// </exception>
    public abstract void Accept(int token);

    /// <summary>Starts a new request: clears the context, then appends the prompt's tokens.</summary>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is out of range; the session is left as it was.</exception>
    public abstract void Reset(ReadOnlySpan<int> prompt);
}
