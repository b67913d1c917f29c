using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.Detection;
using Distill.Tokenizers;

namespace Distill.Cli;

internal static class DetectCommand
{
    /// <summary>The default significance level of the verdict: strong evidence, as an accusation needs.</summary>
    public const double DefaultAlpha = 1e-6;

    private static readonly HashSet<string> s_values = ["key", "alpha", "bos", "eos", "bayesian", "reference"];
    private static readonly HashSet<string> s_flags = ["json", "no-dedup"];
    private static readonly HashSet<string> s_repeatable = ["key", "reference"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags, s_repeatable);
        IReadOnlyList<string> keyPaths = a.GetAll("key");
        if (keyPaths.Count == 0)
        {
            throw new UsageException("--key is required.");
        }

        double alpha = a.GetDouble("alpha", DefaultAlpha);
        if (!(alpha > 0 && alpha < 1))
        {
            throw new UsageException($"--alpha must be strictly between 0 and 1, not {alpha.ToString(CultureInfo.InvariantCulture)}.");
        }

        int? bos = a.Has("bos") ? a.GetInt("bos", 0, 0, int.MaxValue) : null;
        bool json = a.Has("json");
        var options = new DetectionOptions { Deduplicate = !a.Has("no-dedup") };
        List<string> inputs = a.Positionals.Count == 0 ? ["-"] : a.Positionals;
        var contexts = new List<ProfileContext>();
        foreach (string path in keyPaths)
        {
            contexts.Add(WithEos(ProfileContext.Load(path, a.GetAll("reference")), a));
        }

        Interop.HfSynthIdBayesianDetector? bayesian = LoadBayesian(a, contexts);
        var localization = LocalizationOptions.Default with { Alpha = alpha, Deduplicate = options.Deduplicate };
        ConfigurationSearch? search = contexts.Count > 1 ? new ConfigurationSearch(contexts.Select(c => c.Scheme)) : null;
        TextConfigurationSearch? textSearch = null;

        int failures = 0;
        foreach (string input in inputs)
        {
            foreach (InputDocument document in ReadInputs(input, stdin))
            {
                try
                {
                    int[]? ids = document.Ids is { } given ? StripBos(given, bos) : null;
                    if (search is not null)
                    {
                        ConfigurationSearchResult found = ids is not null
                            ? search.Search(ids, options)
                            : (textSearch ??= new TextConfigurationSearch(search.Schemes)).Detect(document.Text!, options);
                        stdout.WriteLine(json ? SearchJson(document.Id, found, contexts, alpha) : SearchHuman(document.Id, found, contexts, alpha));
                        continue;
                    }

                    ProfileContext context = contexts[0];
                    if (ids is not null)
                    {
                        DetectionResult d = context.Scheme.Detect(ids, options);
                        LocalizationResult located = context.Scheme.Localize(ids, localization);
                        var spans = located.Spans.Select(span => new OutputSpan(span, null, null)).ToList();
                        Reference? reference = ReferenceFigures(context.Scheme, ids, options.Deduplicate, bayesian);
                        stdout.WriteLine(json ? ToJson(document.Id, d, spans, located.WindowsSearched, alpha, context.Scheme.Descriptor.Scheme, reference) : ToHuman(document.Id, d, spans, located.WindowsSearched, alpha, reference));
                    }
                    else
                    {
                        if (bos is not null)
                        {
                            throw new UsageException("--bos applies to token ids (.jsonl lines with \"ids\"), not to text.");
                        }

                        TextDetectionResult result = new TextDetector(context.Scheme, context.Tokenizer).Detect(document.Text!, options, localization);
                        var spans = result.Spans.Select(span => new OutputSpan(span.Tokens, span.Characters, Preview(result.Tokens.OriginalText, span.Characters))).ToList();
                        Reference? reference = ReferenceFigures(context.Scheme, result.Tokens.Ids.Span, options.Deduplicate, bayesian);
                        stdout.WriteLine(json ? ToJson(document.Id, result.Detection, spans, result.WindowsSearched, alpha, context.Scheme.Descriptor.Scheme, reference) : ToHuman(document.Id, result.Detection, spans, result.WindowsSearched, alpha, reference));
                    }
                }
                catch (ArgumentException ex)
                {
                    failures++;
                    string name = document.Id.ValueKind == JsonValueKind.String ? document.Id.GetString()! : document.Id.GetRawText();
                    if (json)
                    {
                        stdout.WriteLine(ErrorJson(document.Id, ex.Message));
                    }

                    stderr.WriteLine($"distill: {name}: {CliApp.OneLine(ex.Message)}");
                }
            }
        }

        return failures == 0 ? CliApp.Success : CliApp.Failure;
    }

    /// <summary>A profile whose SynthID EOS token is the one --eos names (refused for other schemes).</summary>
    private static ProfileContext WithEos(ProfileContext context, Arguments a)
    {
        if (!a.Has("eos"))
        {
            return context;
        }

        int eos = a.GetInt("eos", 0, 0, int.MaxValue);
        if (context.Scheme.Descriptor.HfSynthId is not { } synthId)
        {
            throw new UsageException($"--eos applies to hf-synthid profiles; '{context.Path}' is {context.Scheme.Descriptor.Scheme}.");
        }

        return context.WithScheme(new WatermarkProfile(context.Profile.Descriptor with { HfSynthId = synthId with { EosTokenId = eos } }, context.Profile.Key).CreateScheme());
    }

    /// <summary>The other stack's own figures, printed beside Distill's p-value for a compatibility profile.</summary>
    private sealed record Reference(string Name, double Score, int Scored, double? Log10PValue, double? ZScore, bool? Watermarked, double? Posterior = null);

    /// <summary>The trained weights of transformers' Bayesian detector (--bayesian), for one hf-synthid profile.</summary>
    private static Interop.HfSynthIdBayesianDetector? LoadBayesian(Arguments a, List<ProfileContext> contexts)
    {
        if (a.Get("bayesian") is not { } path)
        {
            return null;
        }

        if (contexts.Count != 1 || contexts[0].Scheme is not Interop.HfSynthIdScheme synthId)
        {
            throw new UsageException("--bayesian applies to one hf-synthid profile.");
        }

        using FileStream stream = File.OpenRead(path);
        Interop.HfSynthIdBayesianDetector detector = Interop.HfSynthIdBayesianDetector.ReadJson(stream);
        return detector.Depth == synthId.Depth
            ? detector
            : throw new UsageException($"--bayesian '{path}' has weights for depth {detector.Depth}, but the profile has {synthId.Depth} keys.");
    }

    private static Reference? ReferenceFigures(WatermarkScheme scheme, ReadOnlySpan<int> ids, bool deduplicate, Interop.HfSynthIdBayesianDetector? bayesian)
    {
        switch (scheme)
        {
            case Interop.VllmGumbelScheme vllm:
                Interop.VllmReferenceResult v = vllm.DetectReference(ids, deduplicate);
                return new Reference("vLLM", v.Score, checked((int)v.ScoredTokens), v.Log10PValue, null, v.IsWatermarked);
            case Interop.HfKgwScheme kgw:
                // The reference's detector as transformers runs it (the leading BOS, if any, was already stripped by --bos).
                Interop.HfKgwReferenceResult k = kgw.DetectReference(ids, null, ignoreRepeatedNgrams: false);
                return new Reference("transformers", k.GreenCount, k.ScoredNgrams, Math.Log10(Math.Max(k.PValue, double.Epsilon)), k.ZScore, k.Watermarked);
            case Interop.HfSynthIdScheme synthId:
                Interop.HfSynthIdReferenceScores r = synthId.ScoreReference(ids);
                return new Reference("SynthID-Text (mean score)", r.MeanScore, r.UnmaskedNgrams, null, null, null, bayesian?.Posterior(synthId, ids));
            default:
                return null;
        }
    }

    private static int[] StripBos(int[] ids, int? bos) => bos is { } b && ids.Length > 0 && ids[0] == b ? ids[1..] : ids;

    /// <summary>A document to test: text, or token ids given as they are.</summary>
    internal sealed record InputDocument(JsonElement Id, string? Text, int[]? Ids);

    /// <summary>A located span in output: its tokens, and where text was given its characters and a preview.</summary>
    private sealed record OutputSpan(WatermarkedSpan Tokens, TextSpan? Characters, string? Preview);

    /// <summary>The texts of an input (for the commands that take text only): lines with "ids" are refused.</summary>
    internal static IEnumerable<(JsonElement Id, string Text)> ReadDocuments(string input, TextReader stdin)
    {
        foreach (InputDocument document in ReadInputs(input, stdin))
        {
            if (document.Text is null)
            {
                throw new InvalidDataException($"{input}: this command takes text; a line with \"ids\" is only for detect.");
            }

            yield return (document.Id, document.Text);
        }
    }

    /// <summary>
    /// The documents of an input: standard input or a text file (one document), or a .jsonl file
    /// whose lines carry a string "text" or an array "ids" of token ids, and optionally an "id".
    /// </summary>
    internal static IEnumerable<InputDocument> ReadInputs(string input, TextReader stdin)
    {
        if (input == "-")
        {
            yield return new InputDocument(JsonSerializer.SerializeToElement("-", CliJsonContext.Default.String), stdin.ReadToEnd(), null);
            yield break;
        }

        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"Input '{input}' does not exist.");
        }

        if (!input.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            yield return new InputDocument(JsonSerializer.SerializeToElement(input, CliJsonContext.Default.String), File.ReadAllText(input), null);
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

            yield return ParseLine(line, $"{input}:{lineNumber}", lineNumber);
        }
    }

    private static InputDocument ParseLine(string line, string where, int lineNumber)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: each line must be a JSON object with a string field \"text\" or an array field \"ids\".");
            }

            JsonElement id = root.TryGetProperty("id", out JsonElement given) ? given.Clone() : JsonSerializer.SerializeToElement(lineNumber, CliJsonContext.Default.Int32);
            bool hasText = root.TryGetProperty("text", out JsonElement text);
            bool hasIds = root.TryGetProperty("ids", out JsonElement ids);
            if (hasText == hasIds)
            {
                throw new InvalidDataException($"{where}: each line must carry exactly one of \"text\" (a string) and \"ids\" (an array of token ids).");
            }

            if (hasText)
            {
                return text.ValueKind == JsonValueKind.String
                    ? new InputDocument(id, text.GetString()!, null)
                    : throw new InvalidDataException($"{where}: \"text\" must be a string.");
            }

            if (ids.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{where}: \"ids\" must be an array of token ids.");
            }

            var tokens = new int[ids.GetArrayLength()];
            int i = 0;
            foreach (JsonElement e in ids.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out tokens[i]) || tokens[i] < 0)
                {
                    throw new InvalidDataException($"{where}: \"ids\"[{i}] is not a token id (a non-negative 32-bit integer).");
                }

                i++;
            }

            return tokens.Length > 0 ? new InputDocument(id, null, tokens) : throw new InvalidDataException($"{where}: \"ids\" is empty: there is nothing to test.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({ex.Message}).");
        }
    }

    private static string SearchHuman(JsonElement id, ConfigurationSearchResult found, List<ProfileContext> contexts, double alpha)
    {
        string name = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
        var s = new StringBuilder();
        ProfileContext best = contexts[found.BestIndex];
        string verdict = found.IsSignificant(alpha)
            ? $"WATERMARKED: best fit {best.Path} ({best.Scheme.Descriptor.Scheme}, key {best.Scheme.Descriptor.KeyId})"
            : "no evidence for any configuration";
        s.Append(CultureInfo.InvariantCulture, $"{name}: {verdict}");
        s.AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"  p = {FormatP(found.Log10PValue)} corrected by {found.Correction} (alpha {alpha:G3})");
        for (int i = 0; i < contexts.Count; i++)
        {
            DetectionResult? r = found.Results[i];
            s.AppendLine();
            s.Append(r is null
                ? string.Create(CultureInfo.InvariantCulture, $"  [{i}] {contexts[i].Path}: not scored (token ids outside its vocabulary of {contexts[i].Scheme.VocabularySize})")
                : string.Create(CultureInfo.InvariantCulture, $"  [{i}] {contexts[i].Path}: {contexts[i].Scheme.Descriptor.Scheme} key {r.KeyId}: p = {FormatP(r.Log10PValue)}, adjusted {FormatP(found.AdjustedLog10PValue(i))}; {StatisticName(r.Statistic)} {r.Score:G6} over {r.ScoredTokens} scored tokens"));
        }

        return s.ToString();
    }

    private static string SearchJson(JsonElement id, ConfigurationSearchResult found, List<ProfileContext> contexts, double alpha)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            id.WriteTo(w);
            w.WriteNumber("configurations", found.Configurations);
            w.WriteString("correction", found.Correction);
            w.WriteNumber("best", found.BestIndex);
            w.WriteNumber("pValue", found.PValue);
            w.WriteNumber("log10PValue", found.Log10PValue);
            w.WriteNumber("alpha", alpha);
            w.WriteBoolean("watermarked", found.IsSignificant(alpha));
            w.WriteStartArray("results");
            for (int i = 0; i < contexts.Count; i++)
            {
                DetectionResult? r = found.Results[i];
                w.WriteStartObject();
                w.WriteString("profile", contexts[i].Path);
                w.WriteString("scheme", contexts[i].Scheme.Descriptor.Scheme);
                w.WriteString("keyId", contexts[i].Scheme.Descriptor.KeyId);
                w.WriteString("descriptor", contexts[i].Scheme.Descriptor.Hash);
                w.WriteString("status", r is null ? "notScored" : r.Status == DetectionStatus.Scored ? "scored" : "insufficientTokens");
                if (r is not null)
                {
                    w.WriteString("statistic", StatisticName(r.Statistic));
                    w.WriteNumber("score", r.Score);
                    w.WriteNumber("scoredTokens", r.ScoredTokens);
                    w.WriteNumber("log10PValue", r.Log10PValue);
                }

                w.WriteNumber("adjustedLog10PValue", found.AdjustedLog10PValue(i));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string ToHuman(JsonElement id, DetectionResult d, IReadOnlyList<OutputSpan> spans, long windowsSearched, double alpha, Reference? reference)
    {
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
        s.Append(d.Reference is { } filter
            ? string.Create(CultureInfo.InvariantCulture, $", {d.SkippedCommon} common in the reference ({d.ScoredShare:P0} of the text scored; {filter})")
            : "; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)");
        if (reference is not null)
        {
            s.AppendLine();
            s.Append(string.Create(CultureInfo.InvariantCulture, $"  reference ({reference.Name}): score {reference.Score:G6} over {reference.Scored}"));
            s.Append(reference.ZScore is { } z ? string.Create(CultureInfo.InvariantCulture, $", z = {z:F2}") : "");
            s.Append(reference.Log10PValue is { } lp ? $", its p = {FormatP(lp)}" : "");
            s.Append(reference.Watermarked is { } w ? $", its verdict: {(w ? "watermarked" : "not watermarked")}" : "");
            s.Append(reference.Posterior is { } posterior ? string.Create(CultureInfo.InvariantCulture, $", Bayesian posterior {posterior:G4} (not a p-value)") : "");
        }

        foreach (OutputSpan span in spans)
        {
            s.AppendLine();
            s.Append(span.Characters is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"  watermarked span: characters {c.Start}-{c.End} (tokens {span.Tokens.Start}-{span.Tokens.End}), p = {FormatP(span.Tokens.Log10PValue)} corrected for {windowsSearched} windows: \"{span.Preview}\"")
                : string.Create(CultureInfo.InvariantCulture, $"  watermarked span: tokens {span.Tokens.Start}-{span.Tokens.End}, p = {FormatP(span.Tokens.Log10PValue)} corrected for {windowsSearched} windows"));
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

    private static string ToJson(JsonElement id, DetectionResult d, IReadOnlyList<OutputSpan> spans, long windowsSearched, double alpha, string scheme, Reference? reference)
    {
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
            w.WriteNumber("skippedCommon", d.SkippedCommon);
            w.WriteNumber("scoredShare", d.ScoredShare);
            if (d.Reference is { } filter)
            {
                w.WriteString("referenceFilter", filter.ToString());
            }

            if (double.IsFinite(d.Gamma))
            {
                w.WriteNumber("gamma", d.Gamma);
            }

            w.WriteNumber("zScore", d.ZScore);
            w.WriteNumber("pValue", d.PValue);
            w.WriteNumber("log10PValue", d.Log10PValue);
            w.WriteNumber("alpha", alpha);
            w.WriteBoolean("watermarked", d.IsSignificant(alpha));
            if (reference is not null)
            {
                w.WriteStartObject("reference");
                w.WriteString("name", reference.Name);
                w.WriteNumber("score", reference.Score);
                w.WriteNumber("scored", reference.Scored);
                if (reference.ZScore is { } z)
                {
                    w.WriteNumber("zScore", z);
                }

                if (reference.Log10PValue is { } lp)
                {
                    w.WriteNumber("log10PValue", lp);
                }

                if (reference.Watermarked is { } verdict)
                {
                    w.WriteBoolean("watermarked", verdict);
                }

                if (reference.Posterior is { } posterior)
                {
                    w.WriteNumber("bayesianPosterior", posterior);
                }

                w.WriteEndObject();
            }

            w.WriteNumber("windowsSearched", windowsSearched);
            w.WriteStartArray("spans");
            foreach (OutputSpan span in spans)
            {
                w.WriteStartObject();
                if (span.Characters is { } c)
                {
                    w.WriteNumber("start", c.Start);
                    w.WriteNumber("end", c.End);
                }

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
