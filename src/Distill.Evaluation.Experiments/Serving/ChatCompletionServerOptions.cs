using System;

namespace Distill.Evaluation.Serving;

/// <summary>What a <see cref="ChatCompletionServer"/> answers and which faults it injects.</summary>
internal sealed record ChatCompletionServerOptions
{
    /// <summary>Gets the model name the server reports. Default <c>student</c>.</summary>
    public string ModelName { get; init; } = "student";

    /// <summary>Gets the scheme that watermarks each reply; <see langword="null"/> for plain sampling.</summary>
    public WatermarkScheme? Scheme { get; init; }

    /// <summary>Gets a value indicating whether the server copies the prompt back instead of generating (a suspect that merely echoes).</summary>
    public bool EchoPrompt { get; init; }

    /// <summary>Gets the reply length when the request names none. Default 64 tokens.</summary>
    public int DefaultMaxTokens { get; init; } = 64;

    /// <summary>Gets the wait before each reply (fault requests included).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Gets the fault rule: given the prompt and the 1-based number of this request for that prompt,
    /// an HTTP status to fail with (500, 429, ...), or 0 to answer. <see langword="null"/> answers all.
    /// </summary>
    public Func<string, int, int>? Fault { get; init; }
}
