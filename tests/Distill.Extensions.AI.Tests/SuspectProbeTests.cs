using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distill.Evaluation.Serving;

namespace Distill.Extensions.AI.Tests;

public sealed class SuspectProbeTests
{
    [Fact]
    public async Task ProbeAnswersEveryPromptThroughARealOpenAIClient()
    {
        using var dir = new TempDirectory();
        using ChatCompletionServer server = StudentServer.Start();
        using var client = StudentServer.Client(server);
        List<ProbePrompt> prompts = StudentServer.Prompts(12);
        var reports = new List<ProbeProgress>();
        ProbeSummary summary;
        using (ProbeLog log = ProbeLog.Open(dir.File("log.jsonl")))
        {
            summary = await new SuspectProbe(client, StudentServer.Options()).RunAsync(prompts, log, new SyncProgress(p => { lock (reports) { reports.Add(p); } }));
        }

        Assert.Equal(new ProbeSummary(12, 0, 12, 0, 0), summary);
        Assert.True(summary.IsComplete);
        Assert.Equal(0, reports[0].Done);
        Assert.Contains(reports, r => r.Remaining == 0 && r.Done == 12);
        using ProbeLog reopened = ProbeLog.Open(dir.File("log.jsonl"));
        Assert.False(reopened.RepairedLastLine);
        Assert.Equal(12, reopened.Records.Count);
        foreach (ProbePrompt prompt in prompts)
        {
            Assert.True(reopened.TryGetAnswer(prompt.Id, out ProbeRecord record));
            Assert.Equal(prompt.Text, record.Prompt);
            Assert.Equal(server.Reply(prompt.Text, 32, temperature: 1, seed: 7), record.Response);
            Assert.Equal("student", record.Model);
            Assert.Equal("length", record.FinishReason);
            Assert.Equal(1, record.Attempts);
            Assert.Equal(1, server.RequestsFor(prompt.Text));
        }

        // Nothing left to ask: a second run sends nothing.
        ProbeSummary again = await new SuspectProbe(client, StudentServer.Options()).RunAsync(prompts, reopened);
        Assert.Equal(new ProbeSummary(12, 12, 0, 0, 0), again);
        Assert.Equal(12, server.TotalRequests);
    }

    [Fact]
    public async Task RetriesRecoverFromFailuresAndAPromptThatAlwaysFailsIsAskedAgainNextRun()
    {
        using var dir = new TempDirectory();
        List<ProbePrompt> prompts = StudentServer.Prompts(10);
        string hopeless = prompts[3].Text;
        bool healed = false;
        var options = new ChatCompletionServerOptions
        {
            // Every other prompt: 500 then 429 before it is answered; one prompt fails until healed.
            Fault = (prompt, n) => prompt == hopeless ? (Volatile.Read(ref healed) ? 0 : 500)
                : prompts.FindIndex(p => p.Text == prompt) % 2 == 0 && n <= 2 ? (n == 1 ? 500 : 429) : 0,
        };
        using ChatCompletionServer server = StudentServer.Start(options);
        using var client = StudentServer.Client(server);
        var probe = new SuspectProbe(client, StudentServer.Options());
        using ProbeLog log = ProbeLog.Open(dir.File("log.jsonl"));
        ProbeSummary first = await probe.RunAsync(prompts, log);
        Assert.Equal(9, first.Answered);
        Assert.Equal(1, first.Failed);
        Assert.False(first.IsComplete);
        Assert.Equal((5 * 2) + 3, first.Retries); // prompts 0, 2, 4, 6, 8 twice each; the hopeless one 3 times
        ProbeRecord failed = Assert.Single(log.Records, r => !r.Succeeded);
        Assert.Equal(prompts[3].Id, failed.Id);
        Assert.Equal(4, failed.Attempts);
        Assert.Contains("500", failed.Error, StringComparison.Ordinal);
        Assert.Equal(4, server.RequestsFor(hopeless));

        Volatile.Write(ref healed, true);
        ProbeSummary second = await probe.RunAsync(prompts, log);
        Assert.Equal(new ProbeSummary(10, 9, 1, 0, 0), second);
        Assert.Equal(5, server.RequestsFor(hopeless));
        for (int i = 0; i < prompts.Count; i++)
        {
            Assert.True(log.TryGetAnswer(prompts[i].Id, out ProbeRecord record));
            Assert.Equal(server.Reply(prompts[i].Text, 32, 1, 7), record.Response);
            int expected = i == 3 ? 5 : i % 2 == 0 ? 3 : 1;
            Assert.Equal(expected, server.RequestsFor(prompts[i].Text));
        }

        Assert.Equal(11, log.Records.Count);
    }

    [Fact]
    public async Task AFailureThatIsNotTransientIsLoggedAfterOneAttempt()
    {
        using var dir = new TempDirectory();
        List<ProbePrompt> prompts = StudentServer.Prompts(3);
        using ChatCompletionServer server = StudentServer.Start(new ChatCompletionServerOptions { Fault = (p, _) => p == prompts[1].Text ? 400 : 0 });
        using var client = StudentServer.Client(server);
        using ProbeLog log = ProbeLog.Open(dir.File("log.jsonl"));
        ProbeSummary summary = await new SuspectProbe(client, StudentServer.Options() with { SystemPrompt = "Continue the text." }).RunAsync(prompts, log);
        Assert.Equal(new ProbeSummary(3, 0, 2, 1, 0), summary);
        Assert.All(log.Records, r => Assert.Equal("Continue the text.", r.SystemPrompt));
        Assert.Equal(1, server.RequestsFor(prompts[1].Text));
        Assert.Equal(1, Assert.Single(log.Records, r => !r.Succeeded).Attempts);
    }

    [Fact]
    public async Task ACancelledProbeResumesWithoutAskingAgainWhatItHas()
    {
        using var dir = new TempDirectory();
        List<ProbePrompt> prompts = StudentServer.Prompts(16);
        using ChatCompletionServer server = StudentServer.Start(new ChatCompletionServerOptions { Delay = TimeSpan.FromMilliseconds(30) });
        using var client = StudentServer.Client(server);
        var probe = new SuspectProbe(client, StudentServer.Options(concurrency: 2));
        using var cancel = new CancellationTokenSource();
        int answeredBefore;
        using (ProbeLog log = ProbeLog.Open(dir.File("log.jsonl")))
        {
            var progress = new SyncProgress(p =>
            {
                if (p.Done >= 5)
                {
                    cancel.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.RunAsync(prompts, log, progress, cancel.Token));
            answeredBefore = log.AnsweredCount;
        }

        Assert.InRange(answeredBefore, 5, 15);
        using (ProbeLog log = ProbeLog.Open(dir.File("log.jsonl")))
        {
            Assert.Equal(answeredBefore, log.Records.Count);
            HashSet<string> firstRun = log.Records.Select(r => r.Prompt).ToHashSet();
            ProbeSummary summary = await probe.RunAsync(prompts, log);
            Assert.Equal(answeredBefore, summary.Skipped);
            Assert.Equal(16 - answeredBefore, summary.Answered);
            Assert.Equal(16, log.Records.Count);
            int abandoned = 0;
            foreach (ProbePrompt prompt in prompts)
            {
                Assert.True(log.TryGetAnswer(prompt.Id, out ProbeRecord record));
                Assert.Equal(server.Reply(prompt.Text, 32, 1, 7), record.Response);
                int asked = server.RequestsFor(prompt.Text);

                // What the first run logged is never asked again; a request in flight at the
                // cancellation had no answer logged, so its prompt is asked once more.
                Assert.Equal(firstRun.Contains(prompt.Text) ? 1 : asked, asked);
                Assert.InRange(asked, 1, 2);
                abandoned += asked - 1;
            }

            Assert.InRange(abandoned, 0, 2);
        }
    }

    [Fact]
    public async Task CancellationStopsTheBackoffWait()
    {
        using var dir = new TempDirectory();
        using ChatCompletionServer server = StudentServer.Start(new ChatCompletionServerOptions { Fault = (_, _) => 503 });
        using var client = StudentServer.Client(server);
        var options = StudentServer.Options() with { InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1) };
        using var cancel = new CancellationTokenSource();
        using ProbeLog log = ProbeLog.Open(dir.File("log.jsonl"));
        var progress = new SyncProgress(p =>
        {
            if (p.Retries > 0)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SuspectProbe(client, options).RunAsync(StudentServer.Prompts(1), log, progress, cancel.Token));
        Assert.Empty(log.Records);
    }

    [Fact]
    public void BackoffGrowsExponentiallyWithinItsJitterAndIsFixedBySeed()
    {
        var options = new ProbeOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(10), Seed = 42 };
        var probe = new SuspectProbe(new ThrowingClient(), options);
        double[] expectedCaps = [1, 2, 4, 8, 10, 10];
        for (int attempt = 1; attempt <= expectedCaps.Length; attempt++)
        {
            TimeSpan wait = probe.Backoff("p1", attempt);
            Assert.InRange(wait.TotalSeconds, expectedCaps[attempt - 1] * 0.5, expectedCaps[attempt - 1]);
            Assert.Equal(wait, new SuspectProbe(new ThrowingClient(), options).Backoff("p1", attempt));
        }

        Assert.NotEqual(probe.Backoff("p1", 1), probe.Backoff("p2", 1));
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Equal("MaxConcurrency", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeOptions { MaxConcurrency = 0 }).ParamName);
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeOptions { MaxAttempts = 0 }).ParamName);
        Assert.Equal("InitialBackoff", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeOptions { InitialBackoff = TimeSpan.FromSeconds(-1) }).ParamName);
        Assert.Equal("RequestTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeOptions { RequestTimeout = TimeSpan.Zero }).ParamName);
        Assert.Throws<ArgumentException>(() => new ProbePrompt("", "text"));
        Assert.Throws<ArgumentException>(() => new ProbePrompt("1", "  "));
    }

    [Fact]
    public async Task DuplicatePromptIdsAndAChangedPromptSetAreRefused()
    {
        using var dir = new TempDirectory();
        using ProbeLog log = ProbeLog.Open(dir.File("log.jsonl"));
        log.Append(new ProbeRecord { Id = "1", Prompt = "old text", Response = "r", Attempts = 1, Utc = DateTimeOffset.UnixEpoch });
        var probe = new SuspectProbe(new ThrowingClient());
        await Assert.ThrowsAsync<ArgumentException>(() => probe.RunAsync([new ProbePrompt("a", "x"), new ProbePrompt("a", "y")], log));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => probe.RunAsync([new ProbePrompt("1", "new text")], log));
        Assert.Contains("prompt set changed", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => log.Append(new ProbeRecord { Id = "1", Prompt = "old text", Response = "again", Attempts = 1, Utc = DateTimeOffset.UnixEpoch }));
    }
}
