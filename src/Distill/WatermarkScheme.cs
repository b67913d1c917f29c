using System;

namespace Distill;

/// <summary>
/// A watermark scheme bound to one key and one set of parameters: immutable, thread-safe, and the
/// factory of the per-request <see cref="WatermarkSession"/> objects used in inference loops.
/// </summary>
public abstract class WatermarkScheme
{
    /// <summary>Initializes the base class.</summary>
    protected WatermarkScheme()
    {
    }

    /// <summary>Gets everything a detector must agree on (never the secret).</summary>
    public abstract SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the vocabulary size the scheme was built for.</summary>
    public int VocabularySize => Descriptor.VocabularySize;

    /// <summary>Creates a session for one request whose context starts with <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <returns>A new session; not thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is negative or not below the vocabulary size.</exception>
    public abstract WatermarkSession CreateSession(ReadOnlySpan<int> prompt);
}
