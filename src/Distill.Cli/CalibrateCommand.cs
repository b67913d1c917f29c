using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.Evaluation.Calibration;

namespace Distill.Cli;

/// <summary><c>distill calibrate</c>: the profile's empirical false-positive rate on the user's own unwatermarked text.</summary>
internal static class CalibrateCommand
{
    private static readonly HashSet<string> s_values = ["key"];
    private static readonly HashSet<string> s_flags = ["json", "no-dedup"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        string keyPath = a.Require("key");
        if (a.Positionals.Count == 0)
        {
            throw new UsageException("calibrate needs at least one input of unwatermarked text (a file, - for standard input, or a .jsonl file).");
        }

        ProfileContext context = ProfileContext.Load(keyPath);
        var texts = new List<string>();
        foreach (string input in a.Positionals)
        {
            texts.AddRange(DetectCommand.ReadDocuments(input, stdin).Select(d => d.Text));
        }

        var options = CalibrationOptions.Default with { Deduplicate = !a.Has("no-dedup") };
        CalibrationReport report = CalibrationRun.Run(context.Scheme, context.Tokenizer, texts, options);
        stdout.WriteLine(a.Has("json") ? ToJson(report) : ToHuman(report));
        return CliApp.Success;
    }

    private static string ToHuman(CalibrationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(string.Create(c, $"Calibration of key {report.KeyId} ({report.Scheme}) on {report.Texts} text(s): {report.Tokens:N0} tokens, {report.DistinctTokens:N0} distinct; deduplication {(report.Options.Deduplicate ? "on" : "off")}."));
        s.AppendLine(string.Create(c, $"False positives (p <= alpha) per passage length, with exact {Percent(report.Options.Confidence, 0)} intervals:"));
        s.AppendLine();
        s.Append(string.Create(c, $"{"tokens",6} {"passages",9} {"dedup loss",10} {"smallest p",10}"));
        foreach (double alpha in report.Options.Alphas)
        {
            s.Append(string.Create(c, $"  {"p <= " + alpha.ToString("G3", c),-30}"));
        }

        s.AppendLine();
        foreach (CalibrationBucket bucket in report.Buckets)
        {
            s.Append(string.Create(c, $"{bucket.Length,6} {bucket.Passages,9} {Percent(bucket.DeduplicationLoss, 1),10} {(bucket.Passages > 0 ? DetectCommand.FormatP(bucket.MinLog10PValue) : "-"),10}"));
            foreach (CalibrationRate rate in bucket.Rates)
            {
                string cell = rate.Passages == 0
                    ? "-"
                    : string.Create(c, $"{rate.FalsePositives} ({Percent(rate.Rate, 2)}; {Percent(rate.Lower, 2)}-{Percent(rate.Upper, 2)}){(rate.IsMeasurable ? "" : " *")}");
                s.Append(string.Create(c, $"  {cell,-30}"));
            }

            s.AppendLine();
        }

        if (report.Buckets.Any(b => b.Rates.Any(r => r.Passages > 0 && !r.IsMeasurable)))
        {
            s.AppendLine("  * too few passages to measure a rate at this alpha (passages x alpha < 1)");
        }

        if (report.Warnings.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("Warnings:");
            foreach (CalibrationWarning warning in report.Warnings)
            {
                s.AppendLine("  - " + warning.Message);
            }
        }

        return string.Join(Environment.NewLine, s.ToString().TrimEnd().Split('\n').Select(line => line.TrimEnd()));
    }

    private static string ToJson(CalibrationReport report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("keyId", report.KeyId);
            w.WriteString("scheme", report.Scheme);
            w.WriteString("descriptorHash", report.DescriptorHash);
            w.WriteNumber("texts", report.Texts);
            w.WriteNumber("tokens", report.Tokens);
            w.WriteNumber("distinctTokens", report.DistinctTokens);
            w.WriteNumber("distinctFraction", report.DistinctFraction);
            w.WriteBoolean("deduplicate", report.Options.Deduplicate);
            w.WriteNumber("confidence", report.Options.Confidence);
            w.WriteStartArray("buckets");
            foreach (CalibrationBucket bucket in report.Buckets)
            {
                w.WriteStartObject();
                w.WriteNumber("tokens", bucket.Length);
                w.WriteNumber("passages", bucket.Passages);
                w.WriteNumber("deduplicationLoss", bucket.DeduplicationLoss);
                w.WriteNumber("minLog10PValue", bucket.MinLog10PValue);
                w.WriteStartArray("rates");
                foreach (CalibrationRate rate in bucket.Rates)
                {
                    w.WriteStartObject();
                    w.WriteNumber("alpha", rate.Alpha);
                    w.WriteNumber("passages", rate.Passages);
                    w.WriteNumber("falsePositives", rate.FalsePositives);
                    if (rate.Passages > 0)
                    {
                        w.WriteNumber("rate", rate.Rate);
                    }
                    else
                    {
                        w.WriteNull("rate");
                    }

                    w.WriteNumber("lower", rate.Lower);
                    w.WriteNumber("upper", rate.Upper);
                    w.WriteBoolean("measurable", rate.IsMeasurable);
                    w.WriteNumber("passagesNeeded", rate.PassagesNeeded);
                    w.WriteBoolean("exceedsAlpha", rate.ExceedsAlpha);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("warnings");
            foreach (CalibrationWarning warning in report.Warnings)
            {
                w.WriteStartObject();
                w.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(warning.Kind.ToString()));
                w.WriteString("message", warning.Message);
                if (warning.Length is { } length)
                {
                    w.WriteNumber("tokens", length);
                }

                if (warning.Alpha is { } alpha)
                {
                    w.WriteNumber("alpha", alpha);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Percent(double value, int digits) =>
        (value * 100).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
