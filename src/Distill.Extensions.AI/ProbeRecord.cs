using System;

namespace Distill.Extensions.AI;

/// <summary>
/// One line of a <see cref="ProbeLog"/>: a prompt that the probe finished, with the suspect's
/// response or the error that made the probe give up on it.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed record ProbeRecord
{
    /// <summary>Gets the prompt's identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the prompt's text, as sent.</summary>
    public required string Prompt { get; init; }

    /// <summary>Gets the system message sent before the prompt; <see langword="null"/> when none was.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets the response's text; <see langword="null"/> when the prompt failed.</summary>
    public string? Response { get; init; }

    /// <summary>Gets the model that answered, as the endpoint named it; <see langword="null"/> when unknown.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the reason the suspect stopped (for example <c>stop</c> or <c>length</c>); <see langword="null"/> when unknown.</summary>
    public string? FinishReason { get; init; }

    /// <summary>Gets the number of requests sent for this prompt in the run that wrote the line.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the last error when the probe gave up on the prompt; <see langword="null"/> on success.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the time the line was written, in UTC.</summary>
    public DateTimeOffset Utc { get; init; }

    /// <summary>Gets a value indicating whether the prompt was answered: no error and a response.</summary>
    public bool Succeeded => Error is null && Response is not null;
}
