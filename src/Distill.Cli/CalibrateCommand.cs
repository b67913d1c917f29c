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
    private static readonly HashSet<string> s_values = ["key", "reference", "out"];
    private static readonly HashSet<string> s_flags = ["json", "no-dedup", "force"];
    private static readonly HashSet<string> s_repeatable = ["reference"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags, s_repeatable);
        string keyPath = a.Require("key");
        if (a.Positionals.Count == 0)
        {
            throw new UsageException("calibrate needs at least one input of unwatermarked text (a file, - for standard input, or a .jsonl file).");
        }

        // --reference adds the user's own public text to the profile's reference filter; --out keeps the
        // profile with that filter (the same key: embedding is unchanged, only detection's filter grows).
        IReadOnlyList<string> references = a.GetAll("reference");
        string? outPath = a.Get("out");
        if (outPath is not null && references.Count == 0)
        {
            throw new UsageException("--out writes the profile with the corpora of --reference added to its filter; pass at least one --reference FILE.");
        }

        if (outPath is not null && File.Exists(outPath) && !a.Has("force"))
        {
            throw new IOException($"'{outPath}' already exists; pass --force to replace it.");
        }

        ProfileContext context = references.Count > 0 ? ProfileContext.LoadAddingReferences(keyPath, references) : ProfileContext.Load(keyPath);
        var texts = new List<string>();
        foreach (string input in a.Positionals)
        {
            texts.AddRange(InputReader.ReadDocuments(input, stdin).Select(d => d.Text));
        }

        var options = CalibrationOptions.Default with { Deduplicate = !a.Has("no-dedup") };
        CalibrationReport report = CalibrationRun.Run(context.Scheme, context.Tokenizer, texts, options);
        stdout.WriteLine(a.Has("json") ? ToJson(report) : ToHuman(report));
        if (outPath is not null)
        {
            new WatermarkProfile(context.Scheme.Descriptor, context.Profile.Key).Save(outPath, overwrite: a.Has("force"));
            (a.Has("json") ? TextWriter.Null : stdout).WriteLine($"Wrote {outPath}: key {context.Profile.Key.KeyId}, {context.Scheme.Descriptor.Reference}, descriptor {context.Scheme.Descriptor.Hash}; detect with --reference for each file added.");
        }

        return CliApp.Success;
    }

    private static string ToHuman(CalibrationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(string.Create(c, $"Calibration of key {report.KeyId} ({report.Scheme}) on {report.Texts} text(s): {report.Tokens:N0} tokens, {report.DistinctTokens:N0} distinct; deduplication {(report.Options.Deduplicate ? "on" : "off")}."));
        s.AppendLine(string.Create(c, $"Per passage length: false positives (p <= alpha) with exact {Percent(report.Options.Confidence, 0)} intervals, and the p-value threshold that keeps the false-positive rate at or below alpha."));
        foreach (CalibrationBucket bucket in report.Buckets)
        {
            s.AppendLine();
            s.AppendLine(string.Create(c, $"{bucket.Length} tokens: {bucket.Passages:N0} passages, deduplication loss {Percent(bucket.DeduplicationLoss, 1)}, smallest p {(bucket.Passages > 0 ? DetectCommand.FormatP(bucket.MinLog10PValue) : "-")}"));
            s.AppendLine(string.Create(c, $"  {"alpha",8} {"p <= alpha",11} {"rate",9} {Percent(report.Options.Confidence, 0) + " interval",-20} {"threshold",10}  basis"));
            for (int a = 0; a < bucket.Rates.Count; a++)
            {
                CalibrationRate rate = bucket.Rates[a];
                CalibrationThreshold threshold = bucket.Thresholds[a];
                string count = rate.Passages == 0 ? "-" : rate.FalsePositives.ToString("N0", c) + (rate.IsMeasurable ? "" : " *");
                string interval = rate.Passages == 0 ? "-" : $"{Rate(rate.Lower)} - {Rate(rate.Upper)}";
                string basis = threshold.IsExtrapolated
                    ? string.Create(c, $"extrapolated (measured needs {threshold.PassagesNeeded:N0} passages)")
                    : string.Create(c, $"measured: {threshold.FalsePositives:N0} at or below, upper {Rate(threshold.Upper)}");
                s.AppendLine(string.Create(c, $"  {rate.Alpha.ToString("G3", c),8} {count,11} {(rate.Passages == 0 ? "-" : Rate(rate.Rate)),9} {interval,-20} {Threshold(bucket, threshold),10}  {basis}"));
            }

            if (bucket.Thresholds.Any(t => t.IsExtrapolated))
            {
                s.AppendLine(bucket.InflationLength is { } from && bucket.InflationAlpha is { } at
                    ? string.Create(c, $"  extrapolated with inflation {bucket.Inflation:F2} (the {Percent(report.Options.Confidence, 0)} upper bound of the rate at p <= {at:G3} over {at:G3}, {(from == bucket.Length ? "this bucket's worst" : $"{from}-token passages, the worst of any bucket")})")
                    : "  extrapolated without any measured rate: the nominal alphas, unverified");
            }
        }

        s.AppendLine();
        if (report.Buckets.Any(b => b.Rates.Any(r => r.Passages > 0 && !r.IsMeasurable)))
        {
            s.AppendLine("* too few passages to measure a rate at this alpha (passages x alpha < 1)");
        }

        s.AppendLine("A passage is flagged when p <= threshold (p < threshold where marked <).");

        s.AppendLine("Thresholds " + report.ThresholdRule);
        s.AppendLine("Thresholds " + report.ExtrapolationRule);

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
                w.WriteNumber("inflation", bucket.Inflation);
                WriteInflationFrom(w, bucket.InflationLength, bucket.InflationAlpha);
                w.WriteStartArray("thresholds");
                foreach (CalibrationThreshold threshold in bucket.Thresholds)
                {
                    w.WriteStartObject();
                    w.WriteNumber("target", threshold.Target);
                    w.WriteNumber("log10Threshold", threshold.Log10Threshold);
                    w.WriteNumber("threshold", Math.Pow(10, threshold.Log10Threshold));
                    w.WriteBoolean("extrapolated", threshold.IsExtrapolated);
                    w.WriteString("basis", threshold.IsExtrapolated ? "extrapolated" : "measured");
                    w.WriteNumber("falsePositives", threshold.FalsePositives);
                    w.WriteNumber("upper", threshold.Upper);
                    w.WriteNumber("passagesNeeded", threshold.PassagesNeeded);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("thresholdRule", report.ThresholdRule);
            w.WriteString("extrapolationRule", report.ExtrapolationRule);
            w.WriteNumber("inflation", report.Inflation);
            WriteInflationFrom(w, report.InflationLength, report.InflationAlpha);

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

    private static void WriteInflationFrom(Utf8JsonWriter w, int? length, double? alpha)
    {
        if (length is { } tokens && alpha is { } level)
        {
            w.WriteStartObject("inflationFrom");
            w.WriteNumber("tokens", tokens);
            w.WriteNumber("alpha", level);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("inflationFrom");
        }
    }

    private static string Rate(double value) =>
        value == 0 ? "0" : value.ToString("0.00E+00", CultureInfo.InvariantCulture);

    // A threshold just below a passage's p-value (the rule's fallback) would print as that p-value: say "<" it instead.
    private static string Threshold(CalibrationBucket bucket, CalibrationThreshold threshold)
    {
        double next = Math.BitIncrement(threshold.Log10Threshold);
        bool strict = bucket.Log10PValues.Count > threshold.FalsePositives && bucket.Log10PValues[threshold.FalsePositives] == next;
        return (strict ? "< " : "") + DetectCommand.FormatP(strict ? next : threshold.Log10Threshold);
    }

    private static string Percent(double value, int digits) =>
        (value * 100).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
