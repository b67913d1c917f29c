using System;
using Microsoft.Extensions.AI;

namespace Distill.Extensions.AI;

/// <summary>
/// How a <see cref="SuspectProbe"/> sends its prompts: concurrency, retries with backoff, timeouts,
/// and the request itself. Validated when each property is set.
/// </summary>
/// <remarks>
/// The wait before retry <c>n</c> (1-based) is <c>min(MaxBackoff, InitialBackoff * 2^(n-1))</c>
/// scaled by a jitter factor drawn uniformly from [0.5, 1): with a <see cref="Seed"/> the factor is
/// a fixed function of the seed, the prompt id and the attempt, so a run's waits do not depend on
/// scheduling.
/// </remarks>
public sealed record ProbeOptions
{
    private readonly int _maxConcurrency = 4;
    private readonly int _maxAttempts = 5;
    private readonly TimeSpan _initialBackoff = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Gets the default options.</summary>
    public static ProbeOptions Default { get; } = new();

    /// <summary>Gets the number of requests in flight at once, at least 1. Default 4.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxConcurrency));
            _maxConcurrency = value;
        }
    }

    /// <summary>Gets the number of requests sent for one prompt before the probe gives up on it, at least 1. Default 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxAttempts
    {
        get => _maxAttempts;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxAttempts));
            _maxAttempts = value;
        }
    }

    /// <summary>Gets the wait before the first retry, before jitter; zero or more. Default 1 second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan InitialBackoff
    {
        get => _initialBackoff;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(InitialBackoff));
            _initialBackoff = value;
        }
    }

    /// <summary>Gets the longest wait between two attempts, before jitter; zero or more. Default 30 seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxBackoff
    {
        get => _maxBackoff;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(MaxBackoff));
            _maxBackoff = value;
        }
    }

    /// <summary>Gets the time one request may take before it counts as a transient failure; positive. Default 120 seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan RequestTimeout
    {
        get => _requestTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(RequestTimeout));
            _requestTimeout = value;
        }
    }

    /// <summary>Gets the seed of the backoff jitter; <see langword="null"/> (the default) draws it from a shared random source.</summary>
    public int? Seed { get; init; }

    /// <summary>Gets a system message sent before each prompt; <see langword="null"/> (the default) sends none.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets the chat options of each request (model, temperature, maximum output tokens, ...); <see langword="null"/> for the client's defaults.</summary>
    public ChatOptions? ChatOptions { get; init; }

    /// <summary>
    /// Gets the rule that decides whether a failed request is worth retrying;
    /// <see langword="null"/> (the default) uses <see cref="SuspectProbe.IsTransientByDefault"/>.
    /// </summary>
    /// <remarks>
    /// Provider SDKs throw their own exception types for HTTP errors; pass a rule that knows them
    /// (for the OpenAI SDK: <c>ClientResultException</c> with status 0, 408, 429 or 5xx).
    /// </remarks>
    public Func<Exception, bool>? IsTransient { get; init; }
}
