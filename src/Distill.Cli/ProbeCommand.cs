using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Distill.Extensions.AI;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Distill.Cli;

internal static class ProbeCommand
{
    private const string DefaultApiKeyVariable = "OPENAI_API_KEY";

    private static readonly HashSet<string> s_values = ["endpoint", "model", "prompts", "out", "concurrency", "max-attempts", "max-tokens", "temperature", "seed", "backoff", "timeout", "api-key-env", "key"];
    private static readonly HashSet<string> s_flags = ["json"];

    /// <summary>Runs the command with Ctrl-C cancelling the probe: the log stays valid and a rerun resumes.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += handler;
        try
        {
            return Run(args, stdout, stderr, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"probe takes no positional arguments ('{a.Positionals[0]}').");
        }

        Uri endpoint = ParseEndpoint(a.Require("endpoint"));
        string model = a.Require("model");
        string promptsPath = a.Require("prompts");
        string logPath = a.Require("out");
        ProbeOptions options = ParseOptions(a);
        string keyVariable = a.Get("api-key-env") ?? DefaultApiKeyVariable;
        if (keyVariable.Length == 0)
        {
            throw new UsageException("--api-key-env needs a variable name.");
        }

        bool json = a.Has("json");
        if (json && !a.Has("key"))
        {
            throw new UsageException("--json applies to the radioactivity result: give --key too.");
        }

        // Load everything that can fail before the first request.
        ProfileContext? profile = a.Get("key") is { } keyPath ? ProfileContext.Load(keyPath, detection: false) : null;
        IReadOnlyList<ProbePrompt> prompts = ProbePrompt.ReadFile(promptsPath);
        using IChatClient client = CreateClient(endpoint, model, Environment.GetEnvironmentVariable(keyVariable), options.RequestTimeout);
        using ProbeLog log = ProbeLog.Open(logPath);
        if (log.RepairedLastLine)
        {
            stderr.WriteLine($"distill: {logPath}: cut away a truncated last line (a crash mid-write); its prompt is asked again.");
        }

        var probe = new SuspectProbe(client, options);
        var progress = new StderrProgress(stderr);
        ProbeSummary summary;
        try
        {
            summary = probe.RunAsync(prompts, log, progress, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"distill: probe cancelled; {log.AnsweredCount} of {prompts.Count} prompts answered in {logPath}. Run the same command again to resume.");
            return CliApp.Failure;
        }

        stderr.WriteLine($"distill: {summary.Skipped + summary.Answered} of {summary.Total} prompts answered ({summary.Skipped} from earlier runs, {summary.Answered} now, {summary.Retries} retries){(summary.Failed > 0 ? $"; {summary.Failed} failed and are asked again by the next run" : string.Empty)}.");
        if (summary.Failed > 0 && log.Records.LastOrDefault(r => !r.Succeeded) is { } failure)
        {
            stderr.WriteLine($"distill: last failure: prompt {failure.Id} after {failure.Attempts} attempts: {CliApp.OneLine(failure.Error ?? string.Empty)}");
        }

        if (profile is not null)
        {
            ProbeRadioactivityOutput.Write(log, profile, json, stdout);
        }

        return summary.IsComplete ? CliApp.Success : CliApp.Failure;
    }

    private static Uri ParseEndpoint(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--endpoint must be an absolute http or https URL (for example http://127.0.0.1:8000/v1), not '{text}'.");
        }

        return uri;
    }

    private static ProbeOptions ParseOptions(Arguments a)
    {
        int concurrency = a.GetInt("concurrency", 4, 1, 256);
        int maxAttempts = a.GetInt("max-attempts", 5, 1, 100);
        int maxTokens = a.GetInt("max-tokens", 256, 1, 1_000_000);
        double temperature = a.GetDouble("temperature", 1.0, 0, 2);
        double backoff = a.GetDouble("backoff", 1.0, 0, 3600);
        double timeout = a.GetDouble("timeout", 120);
        if (timeout is <= 0 or > 86_400)
        {
            throw new UsageException("--timeout must be more than 0 and at most 86400 seconds.");
        }

        var chat = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = (float)temperature };
        if (a.Has("seed"))
        {
            chat.Seed = a.GetLong("seed", 0);
        }

        return new ProbeOptions
        {
            MaxConcurrency = concurrency,
            MaxAttempts = maxAttempts,
            InitialBackoff = TimeSpan.FromSeconds(backoff),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            ChatOptions = chat,
            IsTransient = IsTransient,
        };
    }

    /// <summary>The OpenAI SDK reports HTTP errors as <see cref="ClientResultException"/> (status 0: no response).</summary>
    internal static bool IsTransient(Exception exception) =>
        exception is ClientResultException { Status: 0 or 408 or 429 or >= 500 } || SuspectProbe.IsTransientByDefault(exception);

    internal static IChatClient CreateClient(Uri endpoint, string model, string? apiKey, TimeSpan timeout)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,

            // The probe retries with its own backoff and counts attempts; the SDK's retries would hide them.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = timeout,
        };

        // A local endpoint may need no key, but the SDK needs a credential: send a placeholder.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey);
        return new OpenAIClient(credential, clientOptions).GetChatClient(model).AsIChatClient();
    }

    /// <summary>Writes the probe's progress to standard error, at most once a second and at the end.</summary>
    private sealed class StderrProgress(TextWriter stderr) : IProgress<ProbeProgress>
    {
        private readonly Lock _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _last;

        public void Report(ProbeProgress value)
        {
            lock (_gate)
            {
                if (value.Remaining > 0 && _last is { } last && _clock.Elapsed - last < TimeSpan.FromSeconds(1))
                {
                    return;
                }

                _last = _clock.Elapsed;
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe: {value.Skipped + value.Done}/{value.Total} answered ({value.Skipped} earlier), {value.Failed} failed, {value.Retries} retries, {value.Remaining} remaining"));
            }
        }
    }
}
