using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Distill.Evaluation;
using Distill.Evaluation.Serving;
using Distill.Extensions.AI;

namespace Distill.Cli.Tests;

public sealed class ProbeCommandTests() : CliTestBase("distill-probe-cli-")
{
    private string PromptsFile(int count)
    {
        string path = Path.Combine(Dir, "prompts.txt");
        File.WriteAllLines(path, BrownCorpus.HeldOutPrompts(BuiltInModel.Tokenizer, 12, 100).Select(p => p.Text.ReplaceLineEndings(" ").Trim()).Where(t => t.Length > 0).Take(count));
        return path;
    }

    private string Keygen()
    {
        string path = Path.Combine(Dir, "key.distill");
        Assert.Equal(0, Run("keygen", "--out", path).Code);
        return path;
    }

    private static ChatCompletionServer Serve(ChatCompletionServerOptions? options = null) =>
        ChatCompletionServer.Start(BuiltInModel.Model, BuiltInModel.Tokenizer, options);

    private string[] ProbeArgs(ChatCompletionServer server, string prompts, string log, params string[] extra) =>
        ["probe", "--endpoint", server.Endpoint.ToString(), "--model", "student", "--prompts", prompts, "--out", log, "--max-tokens", "48", "--seed", "5", .. extra];

    [Fact]
    public void Probe_answers_every_prompt_and_finds_our_watermark_in_the_log()
    {
        string key = Keygen();
        WatermarkScheme scheme = WatermarkProfile.Load(key).CreateScheme();
        using ChatCompletionServer server = Serve(new ChatCompletionServerOptions { Scheme = scheme });
        string prompts = PromptsFile(12);
        string log = Path.Combine(Dir, "log.jsonl");

        var (code, stdout, stderr) = Run(ProbeArgs(server, prompts, log, "--key", key, "--json"));
        Assert.True(code == 0, stderr);
        Assert.Contains("12 of 12 prompts answered", stderr, StringComparison.Ordinal);
        using (JsonDocument doc = JsonDocument.Parse(stdout))
        {
            Assert.True(doc.RootElement.GetProperty("radioactive").GetBoolean(), stdout);
            Assert.True(doc.RootElement.GetProperty("log10PValue").GetDouble() < -6);
            Assert.True(doc.RootElement.GetProperty("scoredTokens").GetInt64() > 100);
            Assert.Equal(12, doc.RootElement.GetProperty("outputs").GetInt32());
            Assert.Equal(12, doc.RootElement.GetProperty("prompts").GetInt32());
        }

        string[] lines = File.ReadAllLines(log);
        Assert.Equal(12, lines.Length);
        string firstPrompt = File.ReadLines(prompts).First();
        using (JsonDocument first = JsonDocument.Parse(lines.Single(l => l.Contains("\"id\":\"1\"", StringComparison.Ordinal))))
        {
            Assert.Equal(server.Reply(firstPrompt, 48, 1, 5), first.RootElement.GetProperty("response").GetString());
        }

        // A rerun asks nothing and reports in text.
        (code, stdout, stderr) = Run(ProbeArgs(server, prompts, log, "--key", key));
        Assert.True(code == 0, stderr);
        Assert.Equal(12, server.TotalRequests);
        Assert.Contains("RADIOACTIVE", stdout, StringComparison.Ordinal);
        Assert.Contains("in 12 prompts", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_killed_probe_resumes_without_asking_again_what_it_has()
    {
        using ChatCompletionServer server = Serve(new ChatCompletionServerOptions { Delay = TimeSpan.FromMilliseconds(150) });
        string prompts = PromptsFile(16);
        string log = Path.Combine(Dir, "log.jsonl");
        string cli = Path.Combine(AppContext.BaseDirectory, "Distill.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (string arg in ProbeArgs(server, prompts, log, "--concurrency", "1"))
        {
            start.ArgumentList.Add(arg);
        }

        using (Process process = Process.Start(start)!)
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var wait = Stopwatch.StartNew();
            while (LineCount(log) < 4 && !process.HasExited && wait.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(20);
            }

            Assert.False(process.HasExited, "the probe finished before it could be killed");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        List<string> firstRun = ReadLog(log).Select(r => r.Prompt).ToList();
        Assert.InRange(firstRun.Count, 4, 15);

        // A kill in the middle of a write leaves half a line: the rerun cuts it away.
        File.AppendAllText(log, "{\"id\":\"16\",\"prompt\":\"half a li");
        var (code, _, stderr) = Run(ProbeArgs(server, prompts, log, "--concurrency", "2"));
        Assert.True(code == 0, stderr);
        Assert.Contains("truncated last line", stderr, StringComparison.Ordinal);

        List<ProbeRecord> records = ReadLog(log);
        string[] allPrompts = File.ReadAllLines(prompts);
        Assert.Equal(allPrompts.Length, records.Count);
        Assert.Equal(allPrompts.Order(StringComparer.Ordinal), records.Select(r => r.Prompt).Order(StringComparer.Ordinal));
        int askedAgain = 0;
        foreach (string prompt in allPrompts)
        {
            int asked = server.RequestsFor(prompt);

            // Logged answers are never asked again; only the request in flight at the kill is.
            Assert.Equal(firstRun.Contains(prompt) ? 1 : asked, asked);
            Assert.InRange(asked, 1, 2);
            askedAgain += asked - 1;
            Assert.Equal(server.Reply(prompt, 48, 1, 5), records.Single(r => r.Prompt == prompt).Response);
        }

        Assert.InRange(askedAgain, 0, 1);
    }

    [Fact]
    public void A_cancelled_probe_leaves_a_valid_log_and_a_rerun_completes()
    {
        using ChatCompletionServer server = Serve(new ChatCompletionServerOptions { Delay = TimeSpan.FromMilliseconds(50) });
        string prompts = PromptsFile(10);
        string log = Path.Combine(Dir, "log.jsonl");
        using var cancel = new CancellationTokenSource();
        using var watcher = new Timer(_ =>
        {
            if (LineCount(log) >= 3)
            {
                cancel.Cancel();
            }
        }, null, 0, 10);
        var stderr = new StringWriter();
        int code = ProbeCommand.Run(ProbeArgs(server, prompts, log, "--concurrency", "1")[1..], new StringWriter(), stderr, cancel.Token);
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("Run the same command again to resume", stderr.ToString(), StringComparison.Ordinal);
        int logged = ReadLog(log).Count;
        Assert.InRange(logged, 3, 9);

        var (again, _, err) = Run(ProbeArgs(server, prompts, log));
        Assert.True(again == 0, err);
        Assert.Contains($"({logged} from earlier runs", err, StringComparison.Ordinal);
        Assert.Equal(10, ReadLog(log).Count);
    }

    [Fact]
    public void Failed_prompts_are_reported_and_asked_again_by_a_rerun()
    {
        string prompts = PromptsFile(4);
        string second = File.ReadLines(prompts).Skip(1).First();
        bool healed = false;
        using ChatCompletionServer server = Serve(new ChatCompletionServerOptions { Fault = (p, _) => p == second && !Volatile.Read(ref healed) ? 503 : 0 });
        string log = Path.Combine(Dir, "log.jsonl");
        var (code, _, stderr) = Run(ProbeArgs(server, prompts, log, "--max-attempts", "2", "--backoff", "0.001"));
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("3 of 4 prompts answered", stderr, StringComparison.Ordinal);
        Assert.Contains("last failure: prompt 2 after 2 attempts", stderr, StringComparison.Ordinal);
        Assert.Contains("503", stderr, StringComparison.Ordinal);
        Volatile.Write(ref healed, true);
        (code, _, stderr) = Run(ProbeArgs(server, prompts, log));
        Assert.True(code == 0, stderr);
        Assert.Equal(3, server.RequestsFor(second));
        Assert.Equal(6, server.TotalRequests);
    }

    [Fact]
    public void Probe_refuses_bad_input_with_clear_errors()
    {
        using ChatCompletionServer server = Serve();
        string prompts = PromptsFile(2);
        string log = Path.Combine(Dir, "log.jsonl");
        Assert.Equal(CliApp.UsageError, Run("probe", "--model", "m", "--prompts", prompts, "--out", log).Code);
        Assert.Equal(CliApp.UsageError, Run("probe", "--endpoint", server.Endpoint.ToString(), "--prompts", prompts, "--out", log).Code);
        var bad = Run("probe", "--endpoint", "ftp://example.com/v1", "--model", "m", "--prompts", prompts, "--out", log);
        Assert.Equal(CliApp.UsageError, bad.Code);
        Assert.Contains("--endpoint must be an absolute http or https URL", bad.Err, StringComparison.Ordinal);
        Assert.Equal(CliApp.UsageError, Run("probe", "--endpoint", "not a url", "--model", "m", "--prompts", prompts, "--out", log).Code);
        Assert.Equal(CliApp.UsageError, Run(ProbeArgs(server, prompts, log, "--json")).Code);
        Assert.Equal(CliApp.UsageError, Run(ProbeArgs(server, prompts, log, "--concurrency", "0")).Code);
        Assert.Equal(CliApp.UsageError, Run(ProbeArgs(server, prompts, log, "--temperature", "x")).Code);

        var missing = Run(ProbeArgs(server, Path.Combine(Dir, "none.txt"), log));
        Assert.Equal(CliApp.Failure, missing.Code);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);

        File.WriteAllText(log, "{broken\n{\"id\":\"1\",\"prompt\":\"a\",\"attempts\":1,\"utc\":\"2026-01-01T00:00:00Z\"}\n");
        var corrupt = Run(ProbeArgs(server, prompts, log));
        Assert.Equal(CliApp.Failure, corrupt.Code);
        Assert.Contains("log.jsonl:1: not a valid probe log line", corrupt.Err, StringComparison.Ordinal);
        Assert.Equal(0, server.TotalRequests);
    }

    private static int LineCount(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Count(c => c == '\n');
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static List<ProbeRecord> ReadLog(string path)
    {
        using ProbeLog log = ProbeLog.Open(path);
        return [.. log.Records];
    }
}
