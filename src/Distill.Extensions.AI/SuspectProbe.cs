using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Distill.Extensions.AI;

/// <summary>
/// Sends a prompt set to a suspect model through any <see cref="IChatClient"/> and records each
/// response in a resumable <see cref="ProbeLog"/>, for the closed-model radioactivity test
/// (<see cref="ProbeLog.TestRadioactivity"/>).
/// </summary>
/// <remarks>
/// <para>
/// A run skips every prompt that the log already answered, sends the others with at most
/// <see cref="ProbeOptions.MaxConcurrency"/> requests in flight, retries transient failures
/// (<see cref="ProbeOptions.IsTransient"/>) with exponential backoff and jitter, and writes one
/// line per prompt as soon as it finishes. A prompt that still fails after
/// <see cref="ProbeOptions.MaxAttempts"/> requests, or fails for a reason that is not transient, is
/// logged as failed and the run goes on; the next run asks it again. Cancellation stops the run at
/// once: requests in flight are abandoned unlogged, every finished prompt stays in the log.
/// </para>
/// <para>
/// Thread-safe: a probe holds only its client and options, and each run keeps its own state. Two
/// concurrent runs must not share a log (the log refuses a second answer for a prompt).
/// </para>
/// </remarks>
public sealed class SuspectProbe
{
    private readonly IChatClient _client;

    /// <summary>Initializes a probe.</summary>
    /// <param name="client">The suspect's chat client.</param>
    /// <param name="options">The options; <see cref="ProbeOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public SuspectProbe(IChatClient client, ProbeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        Options = options ?? ProbeOptions.Default;
    }

    /// <summary>Gets the options.</summary>
    public ProbeOptions Options { get; }

    /// <summary>
    /// The default rule for <see cref="ProbeOptions.IsTransient"/>: network errors
    /// (<see cref="HttpRequestException"/> without a status, or with 408, 429 or 5xx),
    /// <see cref="TimeoutException"/>, <see cref="IOException"/>, and any exception whose inner
    /// exception is one of those.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when the request is worth sending again.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static bool IsTransientByDefault(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException http:
                    return http.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)http.StatusCode >= 500;
                case TimeoutException or IOException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Asks every prompt that the log has not answered and logs each outcome.</summary>
    /// <param name="prompts">The prompt set; identifiers unique.</param>
    /// <param name="log">The log to resume from and append to.</param>
    /// <param name="progress">Receives the run's progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run; finished prompts stay logged.</param>
    /// <returns>The run's counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prompts"/> or <paramref name="log"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two prompts share an identifier.</exception>
    /// <exception cref="InvalidOperationException">A prompt has another text than the log has for its identifier (the prompt set changed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ProbeSummary> RunAsync(IReadOnlyList<ProbePrompt> prompts, ProbeLog log, IProgress<ProbeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(log);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (ProbePrompt prompt in prompts)
        {
            ArgumentNullException.ThrowIfNull(prompt, nameof(prompts));
            if (!ids.Add(prompt.Id))
            {
                throw new ArgumentException($"The prompt id '{prompt.Id}' is used twice.", nameof(prompts));
            }
        }

        log.CheckPromptSet(prompts);
        List<ProbePrompt> pending = prompts.Where(p => !log.TryGetAnswer(p.Id, out _)).ToList();
        var run = new RunState(prompts.Count, prompts.Count - pending.Count, progress);
        run.Report();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(pending, parallel, async (prompt, token) =>
        {
            ProbeRecord record = await AskAsync(prompt, run, token).ConfigureAwait(false);
            log.Append(record);
            run.Finish(record.Succeeded);
        }).ConfigureAwait(false);
        return run.Summary();
    }

    private async Task<ProbeRecord> AskAsync(ProbePrompt prompt, RunState run, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = Options.SystemPrompt is { } system
            ? [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, prompt.Text)]
            : [new ChatMessage(ChatRole.User, prompt.Text)];
        Func<Exception, bool> isTransient = Options.IsTransient ?? IsTransientByDefault;
        for (int attempt = 1; ; attempt++)
        {
            Exception failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(Options.RequestTimeout);
                try
                {
                    // A copy per request: middleware may change the options it is given.
                    ChatResponse response = await _client.GetResponseAsync(messages, Options.ChatOptions?.Clone(), timeout.Token).ConfigureAwait(false);
                    return new ProbeRecord
                    {
                        Id = prompt.Id,
                        Prompt = prompt.Text,
                        SystemPrompt = Options.SystemPrompt,
                        Response = response.Text,
                        Model = response.ModelId,
                        FinishReason = response.FinishReason?.Value,
                        Attempts = attempt,
                        Utc = DateTimeOffset.UtcNow,
                    };
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    failure = new TimeoutException($"No response within {Options.RequestTimeout.TotalSeconds:G4} s.", ex);
                }
#pragma warning disable CA1031 // Any failure of one prompt is logged; the probe goes on with the others.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = ex;
                }
            }

            if (attempt >= Options.MaxAttempts || !isTransient(failure))
            {
                return new ProbeRecord
                {
                    Id = prompt.Id,
                    Prompt = prompt.Text,
                    SystemPrompt = Options.SystemPrompt,
                    Attempts = attempt,
                    Error = $"{failure.GetType().Name}: {failure.Message}",
                    Utc = DateTimeOffset.UtcNow,
                };
            }

            run.Retry();
            await Task.Delay(Backoff(prompt.Id, attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based) of a prompt.</summary>
    internal TimeSpan Backoff(string promptId, int attempt)
    {
        double exponential = Options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        double capped = Math.Min(exponential, Options.MaxBackoff.TotalMilliseconds);
        double uniform = Options.Seed is int seed ? new Random(JitterSeed(seed, promptId, attempt)).NextDouble() : Random.Shared.NextDouble();
        return TimeSpan.FromMilliseconds(capped * (0.5 + (0.5 * uniform)));
    }

    // FNV-1a: string.GetHashCode is randomized per process, and the jitter must not be.
    private static int JitterSeed(int seed, string promptId, int attempt)
    {
        unchecked
        {
            uint hash = 2166136261u;
            foreach (char c in promptId)
            {
                hash = (hash ^ c) * 16777619u;
            }

            hash = (hash ^ (uint)seed) * 16777619u;
            hash = (hash ^ (uint)attempt) * 16777619u;
            return (int)hash;
        }
    }

    private sealed class RunState(int total, int skipped, IProgress<ProbeProgress>? progress)
    {
        private int _done;
        private int _failed;
        private int _retries;

        public void Finish(bool succeeded)
        {
            Interlocked.Increment(ref succeeded ? ref _done : ref _failed);
            Report();
        }

        public void Retry()
        {
            Interlocked.Increment(ref _retries);
            Report();
        }

        public void Report() => progress?.Report(new ProbeProgress(total, skipped, Volatile.Read(ref _done), Volatile.Read(ref _failed), Volatile.Read(ref _retries)));

        public ProbeSummary Summary() => new(total, skipped, _done, _failed, _retries);
    }
}
