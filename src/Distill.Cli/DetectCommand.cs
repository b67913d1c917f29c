using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Distill.Detection;
using Distill.Tokenizers;

namespace Distill.Cli;

internal static class DetectCommand
{
    /// <summary>The default significance level of the verdict: strong evidence, as an accusation needs.</summary>
    public const double DefaultAlpha = 1e-6;

    private static readonly HashSet<string> s_values = ["key", "alpha"];
    private static readonly HashSet<string> s_flags = ["json", "no-dedup"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        string keyPath = a.Require("key");
        double alpha = a.GetDouble("alpha", DefaultAlpha);
        if (!(alpha > 0 && alpha < 1))
        {
            throw new UsageException($"--alpha must be strictly between 0 and 1, not {alpha.ToString(CultureInfo.InvariantCulture)}.");
        }

        bool json = a.Has("json");
        var options = new DetectionOptions { Deduplicate = !a.Has("no-dedup") };
        List<string> inputs = a.Positionals.Count == 0 ? ["-"] : a.Positionals;
        ProfileContext context = ProfileContext.Load(keyPath);
        var detector = new TextDetector(context.Scheme, context.Tokenizer);
        var localization = LocalizationOptions.Default with { Alpha = alpha, Deduplicate = options.Deduplicate };

        int failures = 0;
        foreach (string input in inputs)
        {
            foreach (var (id, text) in ReadDocuments(input, stdin))
            {
                try
                {
                    TextDetectionResult result = detector.Detect(text, options, localization);
                    stdout.WriteLine(json ? ToJson(id, result, alpha, context.Scheme.Descriptor.Scheme) : ToHuman(id, result, alpha));
                }
                catch (ArgumentException ex)
                {
                    failures++;
                    string name = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
                    if (json)
                    {
                        stdout.WriteLine(ErrorJson(id, ex.Message));
                    }

                    stderr.WriteLine($"distill: {name}: {CliApp.OneLine(ex.Message)}");
                }
            }
        }

        return failures == 0 ? CliApp.Success : CliApp.Failure;
    }

    internal static IEnumerable<(JsonElement Id, string Text)> ReadDocuments(string input, TextReader stdin)
    {
        if (input == "-")
        {
            yield return (JsonSerializer.SerializeToElement("-", CliJsonContext.Default.String), stdin.ReadToEnd());
            yield break;
        }

        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"Input '{input}' does not exist.");
        }

        if (!input.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            yield return (JsonSerializer.SerializeToElement(input, CliJsonContext.Default.String), File.ReadAllText(input));
            yield break;
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(input))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement id, text;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object
                    || !doc.RootElement.TryGetProperty("text", out text)
                    || text.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"{input}:{lineNumber}: each line must be a JSON object with a string field \"text\".");
                }

                id = doc.RootElement.TryGetProperty("id", out JsonElement given) ? given.Clone() : JsonSerializer.SerializeToElement(lineNumber, CliJsonContext.Default.Int32);
                text = text.Clone();
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{input}:{lineNumber}: not valid JSON ({ex.Message}).");
            }

            yield return (id, text.GetString()!);
        }
    }

    private static string ToHuman(JsonElement id, TextDetectionResult result, double alpha)
    {
        DetectionResult d = result.Detection;
        string name = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
        var s = new StringBuilder();
        string verdict = d.Status == DetectionStatus.InsufficientTokens
            ? $"too short to test ({d.ScoredTokens} scored tokens; at least {DetectionOptions.Default.MinimumScoredTokens} needed)"
            : d.IsSignificant(alpha)
                ? $"WATERMARKED: consistent with key {d.KeyId}"
                : $"no evidence for key {d.KeyId}";
        s.Append(CultureInfo.InvariantCulture, $"{name}: {verdict}");
        s.AppendLine();
        string evidence = d.Statistic == DetectionStatistic.GreenCount
            ? $"{d.GreenTokens} of {d.ScoredTokens} scored tokens green (expected {d.Gamma * d.ScoredTokens:F1})"
            : $"{StatisticName(d.Statistic)} {d.Score:G6} over {d.ScoredTokens} scored tokens";
        s.Append(CultureInfo.InvariantCulture, $"  p = {FormatP(d.Log10PValue)} (alpha {alpha:G3}); {evidence}, z = {d.ZScore:F2}; {d.TokenCount} tokens, {d.SkippedRepeated} repeated, {d.SkippedPrefix} without context");
        foreach (TextWatermarkedSpan span in result.Spans)
        {
            s.AppendLine();
            s.Append(CultureInfo.InvariantCulture, $"  watermarked span: characters {span.Characters.Start}-{span.Characters.End} (tokens {span.Tokens.Start}-{span.Tokens.End}), p = {FormatP(span.Tokens.Log10PValue)} corrected for {result.WindowsSearched} windows: \"{Preview(result.Tokens.OriginalText, span.Characters)}\"");
        }

        return s.ToString();
    }

    /// <summary>The statistic's name in output: camel case, as in JSON.</summary>
    internal static string StatisticName(DetectionStatistic statistic) => statistic switch
    {
        DetectionStatistic.GreenCount => "greenCount",
        DetectionStatistic.GumbelScore => "gumbelScore",
        DetectionStatistic.MeanGValue => "meanGValue",
        DetectionStatistic.WeightedMeanGValue => "weightedMeanGValue",
        DetectionStatistic.EditAlignment => "editAlignment",
        _ => statistic.ToString(),
    };

    private static string Preview(string text, TextSpan span)
    {
        string inner = text.Substring(span.Start, span.Length).ReplaceLineEndings(" ");
        return inner.Length <= 80 ? inner : string.Concat(inner.AsSpan(0, 38), " ... ", inner.AsSpan(inner.Length - 38));
    }

    internal static string FormatP(double log10P)
    {
        if (log10P > -300)
        {
            return Math.Pow(10, log10P).ToString("G3", CultureInfo.InvariantCulture);
        }

        // Below the double range: mantissa and exponent from the logarithm.
        double exponent = Math.Floor(log10P);
        double mantissa = Math.Pow(10, log10P - exponent);
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa:F2}e{exponent:F0}");
    }

    private static string ToJson(JsonElement id, TextDetectionResult result, double alpha, string scheme)
    {
        DetectionResult d = result.Detection;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            id.WriteTo(w);
            w.WriteString("keyId", d.KeyId);
            w.WriteString("scheme", scheme);
            w.WriteString("status", d.Status == DetectionStatus.Scored ? "scored" : "insufficientTokens");
            w.WriteString("statistic", StatisticName(d.Statistic));
            w.WriteNumber("score", d.Score);
            w.WriteNumber("tokens", d.TokenCount);
            w.WriteNumber("scoredTokens", d.ScoredTokens);
            w.WriteNumber("greenTokens", d.GreenTokens);
            w.WriteNumber("skippedPrefix", d.SkippedPrefix);
            w.WriteNumber("skippedRepeated", d.SkippedRepeated);
            if (double.IsFinite(d.Gamma))
            {
                w.WriteNumber("gamma", d.Gamma);
            }

            w.WriteNumber("zScore", d.ZScore);
            w.WriteNumber("pValue", d.PValue);
            w.WriteNumber("log10PValue", d.Log10PValue);
            w.WriteNumber("alpha", alpha);
            w.WriteBoolean("watermarked", d.IsSignificant(alpha));
            w.WriteNumber("windowsSearched", result.WindowsSearched);
            w.WriteStartArray("spans");
            foreach (TextWatermarkedSpan span in result.Spans)
            {
                w.WriteStartObject();
                w.WriteNumber("start", span.Characters.Start);
                w.WriteNumber("end", span.Characters.End);
                w.WriteNumber("startToken", span.Tokens.Start);
                w.WriteNumber("endToken", span.Tokens.End);
                w.WriteNumber("scoredTokens", span.Tokens.ScoredTokens);
                w.WriteNumber("greenTokens", span.Tokens.GreenTokens);
                w.WriteNumber("score", span.Tokens.Score);
                w.WriteNumber("log10PValue", span.Tokens.Log10PValue);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string ErrorJson(JsonElement id, string message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            id.WriteTo(w);
            w.WriteString("error", message);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
