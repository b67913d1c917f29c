using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Distill.Cli.Tests.Report;

/// <summary>Runs Debian's Chromium headless on a file: its DOM after load, a screenshot, and the requests the page made.</summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    // Keep the browser's own background traffic (updates, sync, accounts) to a minimum; what remains is told apart by its initiator.
    private static readonly string[] s_quiet =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability", "--no-pings",
    ];

    /// <summary>The Chromium executable on PATH, or <see langword="null"/>.</summary>
    public static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in new[] { "chromium", "chromium-browser" })
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Loads <paramref name="html"/> and returns the DOM Chromium dumps after load; the net log goes to <paramref name="netLog"/>.</summary>
    public static string DumpDom(string html, string netLog) =>
        Run([.. s_quiet, $"--log-net-log={netLog}", "--dump-dom", new Uri(Path.GetFullPath(html)).AbsoluteUri]);

    /// <summary>Loads <paramref name="html"/> and writes a 1280 by 2000 screenshot to <paramref name="png"/>.</summary>
    public static void Screenshot(string html, string png) =>
        Run([.. s_quiet, $"--screenshot={Path.GetFullPath(png)}", "--window-size=1280,2000", "--hide-scrollbars", new Uri(Path.GetFullPath(html)).AbsoluteUri]);

    /// <summary>
    /// The http, https, ws and wss URLs that a page asked for, from a Chromium net log: the requests
    /// whose initiator is a page (the browser's own background requests have none).
    /// </summary>
    public static IReadOnlyList<string> PageRequests(string netLog)
    {
        // A log cut short (the browser killed) ends inside the events array: close it.
        string text = File.ReadAllText(netLog).TrimEnd();
        using JsonDocument log = JsonDocument.Parse(text.EndsWith('}') ? text : text.TrimEnd(',') + "]}");
        int startJob = log.RootElement.GetProperty("constants").GetProperty("logEventTypes").GetProperty("URL_REQUEST_START_JOB").GetInt32();
        var urls = new List<string>();
        foreach (JsonElement e in log.RootElement.GetProperty("events").EnumerateArray())
        {
            if (e.GetProperty("type").GetInt32() == startJob && e.TryGetProperty("params", out JsonElement p)
                && p.TryGetProperty("url", out JsonElement url) && url.GetString() is { } u
                && new[] { "http:", "https:", "ws:", "wss:" }.Any(s => u.StartsWith(s, StringComparison.OrdinalIgnoreCase))
                && !(p.TryGetProperty("initiator", out JsonElement initiator) && initiator.GetString() == "not an origin"))
            {
                urls.Add(u);
            }
        }

        return urls;
    }

    private static string Run(IReadOnlyList<string> arguments)
    {
        string chromium = Find() ?? throw new InvalidOperationException("Chromium is not installed.");
        DirectoryInfo profile = Directory.CreateTempSubdirectory("distill-chromium-");
        try
        {
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add($"--user-data-dir={profile.FullName}");
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {s_timeout.TotalSeconds} s: {string.Join(' ', arguments)}");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {stderr.Result}");
            }

            return stdout.Result;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
