using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.Cli.Evidence;
using Distill.Cli.Report;
using Distill.Detection;
using Distill.Radioactivity;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary><c>distill radioactivity</c>: the closed-model test of a suspect model's outputs.</summary>
internal static class RadioactivityCommand
{
    private static readonly HashSet<string> s_values = ["key", "suspect", "prompts", "filter", "alpha", "evidence", "report"];
    private static readonly HashSet<string> s_flags = ["json", "no-dedup"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        ReportFile? reportFile = ReportFile.From(a);
        string keyPath = a.Require("key");
        string suspect = a.Require("suspect");
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{a.Positionals[0]}': give the suspect's outputs with --suspect FILE.");
        }

        double alpha = a.GetDouble("alpha", DetectCommand.DefaultAlpha);
        if (!(alpha > 0 && alpha < 1))
        {
            throw new UsageException($"--alpha must be strictly between 0 and 1, not {alpha.ToString(CultureInfo.InvariantCulture)}.");
        }

        EvidenceRecorder? evidence = EvidenceRecorder.Begin(EvidenceCommandSpec.Radioactivity, args, s_values, stdin);
        stdin = evidence?.Stdin ?? stdin;
        ProfileContext context = ProfileContext.Load(keyPath, detection: false);
        ContextFilter? filter = a.Get("filter") is { } filterPath
            ? TextClosedModelTest.CreateFilter(context.Scheme, context.Tokenizer, InputReader.ReadDocuments(filterPath, stdin).Select(d => d.Text))
            : null;
        var test = new TextClosedModelTest(context.Scheme, context.Tokenizer, new RadioactivityOptions { Deduplicate = !a.Has("no-dedup"), Filter = filter });
        int prompts = 0, outputs = 0;
        if (a.Get("prompts") is { } promptsPath)
        {
            IEnumerable<string> texts = promptsPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
                ? InputReader.ReadDocuments(promptsPath, stdin).Select(d => d.Text)
                : GenerateCommand.ReadPrompts(promptsPath);
            foreach (string text in texts)
            {
                test.AddPrompt(text);
                prompts++;
            }
        }

        foreach (var (_, text) in InputReader.ReadDocuments(suspect, stdin))
        {
            test.AddOutput(text);
            outputs++;
        }

        RadioactivityResult result = test.GetResult();
        string scheme = context.Scheme.Descriptor.Scheme;
        string json = ToJson(result, alpha, scheme, outputs, prompts, filter);
        stdout.WriteLine(a.Has("json") ? json : ToHuman(result, alpha, outputs, prompts, filter));
        if (reportFile is not null)
        {
            EvidenceReport report = CommandReports.Create("radioactivity", args, context.Scheme.Descriptor, CommandReports.Role("profile", [keyPath]), CommandReports.Role("suspect outputs", [suspect]), CommandReports.Role("prompts", [a.Get("prompts")]), CommandReports.Role("filter", [a.Get("filter")]));
            CommandReports.Radioactivity(report, result, alpha, outputs, prompts, filter);
            reportFile.Write(report.Render());
        }

        evidence?.Corpus(json);
        return evidence?.Complete(CliApp.Success) ?? CliApp.Success;
    }

    /// <summary>The result as one line of JSON.</summary>
    internal static string ToJson(RadioactivityResult r, double alpha, string scheme, int outputs, int prompts, ContextFilter? filter)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("keyId", r.KeyId);
            w.WriteString("scheme", scheme);
            w.WriteString("setting", filter is null ? "closedUnsupervised" : "closedSupervised");
            w.WriteString("status", r.Status == DetectionStatus.Scored ? "scored" : "insufficientTokens");
            w.WriteString("statistic", DetectCommand.StatisticName(r.Statistic));
            w.WriteNumber("score", r.Score);
            w.WriteNumber("outputs", outputs);
            w.WriteNumber("prompts", prompts);
            if (filter is not null)
            {
                w.WriteNumber("filterContexts", filter.Count);
            }

            w.WriteNumber("tokens", r.TokenCount);
            w.WriteNumber("scoredTokens", r.ScoredTokens);
            w.WriteNumber("greenTokens", r.GreenTokens);
            w.WriteNumber("skippedPrefix", r.SkippedPrefix);
            w.WriteNumber("duplicates", r.Duplicates);
            w.WriteNumber("excludedByPrompt", r.ExcludedByPrompt);
            w.WriteNumber("outsideFilter", r.OutsideFilter);
            w.WriteNumber("zScore", r.ZScore);
            w.WriteNumber("pValue", r.PValue);
            w.WriteNumber("log10PValue", r.Log10PValue);
            w.WriteNumber("alpha", alpha);
            w.WriteBoolean("radioactive", r.IsSignificant(alpha));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The result for people: the verdict, the p-value and the counts behind it.</summary>
    internal static string ToHuman(RadioactivityResult r, double alpha, int outputs, int prompts, ContextFilter? filter)
    {
        string verdict = r.Status == DetectionStatus.InsufficientTokens
            ? "too little to test (no token could be scored)"
            : r.IsSignificant(alpha)
                ? $"RADIOACTIVE: the suspect's outputs carry the watermark of key {r.KeyId}"
                : $"no evidence that the suspect learned from text watermarked with key {r.KeyId}";
        string evidence = r.Statistic == DetectionStatistic.GreenCount
            ? $"{r.GreenTokens} of {r.ScoredTokens} scored tokens green (z = {r.ZScore:F2})"
            : $"{DetectCommand.StatisticName(r.Statistic)} {r.Score:G6} over {r.ScoredTokens} scored tokens (z = {r.ZScore:F2})";
        string setting = filter is null ? "closed model, unsupervised" : $"closed model, supervised ({filter.Count} contexts of our outputs)";
        return string.Create(CultureInfo.InvariantCulture, $"""
            {verdict}
              p = {DetectCommand.FormatP(r.Log10PValue)} (alpha {alpha:G3}); {evidence}; {setting}
              {outputs} outputs, {r.TokenCount} tokens: {r.Duplicates} duplicate pairs, {r.ExcludedByPrompt} in {prompts} prompts, {r.OutsideFilter} outside the filter, {r.SkippedPrefix} without context
            """);
    }
}
