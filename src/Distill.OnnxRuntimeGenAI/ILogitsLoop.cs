using System;

namespace Distill.OnnxRuntimeGenAI;

/// <summary>
/// The three things a watermarked loop needs from a generator, so that the loop's logic
/// (<see cref="WatermarkedGenerator"/>) can be tested without the native runtime.
/// </summary>
internal interface ILogitsLoop : IDisposable
{
    /// <summary>Gets whether the generator has finished (end of sequence or maximum length).</summary>
    bool IsDone { get; }

    /// <summary>Reads the current step's logits into a buffer the loop owns and reuses.</summary>
    /// <param name="vocabularySize">The number of logits the caller expects.</param>
    /// <returns>The logits, writable; valid until the next call.</returns>
    /// <exception cref="InvalidOperationException">The model's logits do not have <paramref name="vocabularySize"/> elements.</exception>
    Span<float> ReadLogits(int vocabularySize);

    /// <summary>Writes the buffer <see cref="ReadLogits"/> returned back to the generator and samples the next token from it.</summary>
    /// <returns>The sampled token.</returns>
    int SampleFromLogits();

    /// <summary>Appends tokens (the prompt, or a token the caller chose), which runs the model for the next step.</summary>
    /// <param name="tokens">The tokens.</param>
    void AppendTokens(ReadOnlySpan<int> tokens);
}
