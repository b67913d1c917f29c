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
/// <para>
/// The public methods validate their arguments once, here, and only then call the private protected
/// <see cref="ProcessLogitsCore"/>, <see cref="AcceptCore"/> and <see cref="ResetCore"/>, which a
/// scheme overrides: bad input throws before a scheme sees it, so it changes nothing (neither the
/// logits nor the session's state).
/// </para>
/// </remarks>
public abstract class WatermarkSession
{
    /// <summary>Initializes the base class.</summary>
    private protected WatermarkSession()
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
    /// or positive infinity; or the scheme chooses a token (Gumbel-max, EXP-edit) at a watermarked
    /// step and every logit is negative infinity. Nothing is modified then.
    /// </exception>
    public void ProcessLogits(Span<float> logits)
    {
        LogitsGuard.Validate(logits, VocabularySize, nameof(logits));
        ProcessLogitsCore(logits);
    }

    /// <summary>Appends the token that was emitted at this step to the session's context.</summary>
    /// <param name="token">The emitted token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="token"/> is negative or not below <see cref="VocabularySize"/>; the session is left as it was.
    /// </exception>
    public void Accept(int token)
    {
        LogitsGuard.ValidateToken(token, VocabularySize, nameof(token));
        AcceptCore(token);
    }

    /// <summary>Starts a new request: clears the context, then appends the prompt's tokens.</summary>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is out of range; the session is left as it was.</exception>
    public void Reset(ReadOnlySpan<int> prompt)
    {
        LogitsGuard.ValidateTokens(prompt, VocabularySize, nameof(prompt));
        ResetCore(prompt);
    }

    /// <summary>When overridden, biases one step's logits in place (or makes them one-hot on the chosen token).</summary>
    /// <param name="logits">The logits, already checked: <see cref="VocabularySize"/> elements, no NaN, no positive infinity.</param>
    private protected abstract void ProcessLogitsCore(Span<float> logits);

    /// <summary>When overridden, appends the emitted token to the context.</summary>
    /// <param name="token">The emitted token id, already checked to be in the vocabulary.</param>
    private protected abstract void AcceptCore(int token);

    /// <summary>When overridden, clears the context and appends the prompt's tokens.</summary>
    /// <param name="prompt">The prompt's token ids, already checked to be in the vocabulary.</param>
    private protected abstract void ResetCore(ReadOnlySpan<int> prompt);
}
