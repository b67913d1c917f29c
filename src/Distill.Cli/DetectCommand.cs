using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Cli.Evidence;
using Distill.Cli.Report;
using Distill.Detection;
using Distill.Interop;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary><c>distill detect</c>: tests documents for one profile's watermark, or searches several profiles with a corrected p-value.</summary>
internal static class DetectCommand
{
    /// <summary>The default significance level of the verdict: strong evidence, as an accusation needs.</summary>
    public const double DefaultAlpha = 1e-6;

    private static readonly HashSet<string> s_values = ["key", "alpha", "bos", "eos", "bayesian", "reference", "evidence", "report", "exp-edit-test"];
    private static readonly HashSet<string> s_flags = ["json", "no-dedup", "fold-homoglyphs"];
    private static readonly HashSet<string> s_repeatable = ["key", "reference"];

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags, s_repeatable);
        ReportFile? reportFile = ReportFile.From(a);
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
        EvidenceRecorder? evidence = EvidenceRecorder.Begin(EvidenceCommandSpec.Detect, args, s_values, stdin);
        stdin = evidence?.Stdin ?? stdin;
        var contexts = new List<ProfileContext>();
        foreach (string path in keyPaths)
        {
            ProfileContext context = WithExpEditTest(WithEos(ProfileContext.Load(path, a.GetAll("reference")), a), a, alpha, stderr);
            contexts.Add(a.Has("fold-homoglyphs") ? context.WithConfusablesFolded() : context);
        }

        HfSynthIdBayesianDetector? bayesian = LoadBayesian(a, contexts);
        var localization = LocalizationOptions.Default with { Alpha = alpha, Deduplicate = options.Deduplicate };
        ConfigurationSearch? search = contexts.Count > 1 ? new ConfigurationSearch(contexts.Select(c => c.Scheme)) : null;
        TextConfigurationSearch? textSearch = null;
        EvidenceReport? report = reportFile is null ? null : CommandReports.Create("detect", args, contexts[0].Scheme.Descriptor, CommandReports.Role("profile", keyPaths), CommandReports.Role("reference", a.GetAll("reference")), CommandReports.Role("bayesian weights", [a.Get("bayesian")]), CommandReports.Role("input", inputs));

        int failures = 0;
        foreach (string input in inputs)
        {
            foreach (InputDocument document in InputReader.ReadInputs(input, stdin))
            {
                try
                {
                    int[]? ids = document.Ids is { } given ? StripBos(given, bos) : null;
                    if (search is not null)
                    {
                        ConfigurationSearchResult found = ids is not null
                            ? search.Search(ids, options)
                            : (textSearch ??= new TextConfigurationSearch(search.Schemes)).Detect(document.Text!, options);
                        DetectSearchOutput searched = DetectSearchOutput.From(document.Id, found, contexts, alpha);
                        stdout.WriteLine(json
                            ? JsonSerializer.Serialize(searched, CliJsonContext.Default.DetectSearchOutput)
                            : DetectText.Search(document, found, contexts, alpha));
                        evidence?.Document(input, searched);
                        if (report is not null && found.Best is { } best)
                        {
                            ProfileContext fit = contexts[found.BestIndex];
                            string verdict = found.IsWatermarked(alpha) ? $"WATERMARKED: best fit {fit.Path} (key {best.KeyId})" : "no evidence for any configuration";
                            CommandReports.AddDetection(report, document, fit.Scheme, () => ids is not null ? DocumentTokens.FromIds(ids) : DocumentTokens.FromText(fit.Tokenizer.Encode(document.Text!)), options, best, _ => ([], 0), alpha, (found.Log10PValue, found.IsWatermarked(alpha), verdict, [new("p-value", $"{FormatP(found.Log10PValue)} corrected by {found.Correction}")]));
                        }

                        continue;
                    }

                    WatermarkScheme scheme = contexts[0].Scheme;
                    DetectionResult d;
                    long windowsSearched;
                    List<DetectSpanOutput> spans;
                    DetectReferenceOutput? reference;
                    if (ids is not null)
                    {
                        d = scheme.Detect(ids, options);
                        LocalizationResult located = scheme.Localize(ids, localization);
                        (windowsSearched, spans) = (located.WindowsSearched, [.. located.Spans.Select(DetectSpanOutput.From)]);
                        reference = ReferenceFigures(scheme, ids, options.Deduplicate, bayesian);
                        if (report is not null)
                        {
                            CommandReports.AddDetection(report, document, scheme, () => DocumentTokens.FromIds(ids), options, d, _ => (spans, windowsSearched), alpha);
                        }

                    }
                    else
                    {
                        if (bos is not null)
                        {
                            throw new UsageException("--bos applies to token ids (.jsonl lines with \"ids\"), not to text.");
                        }

                        TextDetectionResult result = new TextDetector(scheme, contexts[0].Tokenizer).Detect(document.Text!, options, localization);
                        d = result.Detection;
                        (windowsSearched, spans) = (result.WindowsSearched, [.. result.Spans.Select(span => DetectSpanOutput.From(span, result.Tokens.OriginalText))]);
                        reference = ReferenceFigures(scheme, result.Tokens.Ids.Span, options.Deduplicate, bayesian);
                        if (report is not null)
                        {
                            CommandReports.AddDetection(report, document, scheme, () => DocumentTokens.FromText(result.Tokens), options, d, _ => (spans, windowsSearched), alpha);
                        }

                    }

                    DetectOutput output = DetectOutput.From(document.Id, d, scheme.Descriptor.Scheme, alpha, reference, windowsSearched, spans);
                    stdout.WriteLine(json
                        ? JsonSerializer.Serialize(output, CliJsonContext.Default.DetectOutput)
                        : DetectText.Detection(document, d, spans, windowsSearched, alpha, reference));
                    evidence?.Document(input, output);
                }
                catch (ArgumentException ex)
                {
                    failures++;
                    var error = new DetectErrorOutput(document.Id, ex.Message);
                    if (json)
                    {
                        stdout.WriteLine(JsonSerializer.Serialize(error, CliJsonContext.Default.DetectErrorOutput));
                    }

                    evidence?.Document(input, error);

                    stderr.WriteLine($"distill: {document.Name}: {CliApp.OneLine(ex.Message)}");
                    report?.AddFailure(document.Name, CliApp.OneLine(ex.Message));
                }
            }
        }

        reportFile?.Write(report!.Render());
        int code = failures == 0 ? CliApp.Success : CliApp.Failure;
        return evidence?.Complete(code) ?? code;
    }

    /// <summary>
    /// An EXP-edit profile detected by the test --exp-edit-test names (<c>permutation</c>, the default, or <c>closed</c>; refused
    /// for other schemes); a note on standard error when the permutation test's floor lies above alpha, so no verdict can be reached.
    /// </summary>
    private static ProfileContext WithExpEditTest(ProfileContext context, Arguments a, double alpha, TextWriter stderr)
    {
        string? test = a.Get("exp-edit-test");
        if (context.Scheme is not ExpEdit.ExpEditScheme expEdit)
        {
            return test is null ? context : throw new UsageException($"--exp-edit-test applies to exp-edit profiles; '{context.Path}' is {context.Scheme.Descriptor.Scheme}.");
        }

        switch (test)
        {
            case null or "permutation":
                double floor = 1.0 / (expEdit.Detection.Resamples + 1);
                if (alpha < floor)
                {
                    stderr.WriteLine($"distill: note: '{context.Path}' is exp-edit, whose permutation test cannot report a p-value below {floor.ToString("G3", CultureInfo.InvariantCulture)} ({expEdit.Detection.Resamples} fresh keys), above alpha {alpha.ToString("G3", CultureInfo.InvariantCulture)}, so no verdict and no span can reach it; --exp-edit-test closed has no floor.");
                }

                return context;
            case "closed":
                return context.WithScheme(expEdit.WithDetection(new ExpEdit.ExpEditDetectionOptions { Test = ExpEdit.ExpEditTest.GammaBound }));
            default:
                throw new UsageException($"--exp-edit-test must be 'permutation' or 'closed', not '{test}'.");
        }
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

    /// <summary>The trained weights of transformers' Bayesian detector (--bayesian), for one hf-synthid profile.</summary>
    private static HfSynthIdBayesianDetector? LoadBayesian(Arguments a, List<ProfileContext> contexts)
    {
        if (a.Get("bayesian") is not { } path)
        {
            return null;
        }

        if (contexts.Count != 1 || contexts[0].Scheme is not HfSynthIdScheme synthId)
        {
            throw new UsageException("--bayesian applies to one hf-synthid profile.");
        }

        using FileStream stream = File.OpenRead(path);
        HfSynthIdBayesianDetector detector = HfSynthIdBayesianDetector.ReadJson(stream);
        return detector.Depth == synthId.Depth
            ? detector
            : throw new UsageException($"--bayesian '{path}' has weights for depth {detector.Depth}, but the profile has {synthId.Depth} keys.");
    }

    /// <summary>The other stack's own figures, printed beside Distill's p-value for a compatibility profile (none for Distill's own schemes).</summary>
    private static DetectReferenceOutput? ReferenceFigures(WatermarkScheme scheme, ReadOnlySpan<int> ids, bool deduplicate, HfSynthIdBayesianDetector? bayesian)
    {
        ReferenceResult? figures = scheme switch
        {
            VllmGumbelScheme vllm => vllm.DetectReference(ids, deduplicate),

            // The reference's detector as transformers runs it (the leading BOS, if any, was already stripped by --bos).
            HfKgwScheme kgw => kgw.DetectReference(ids, null, ignoreRepeatedNgrams: false),
            HfSynthIdScheme synthId => synthId.DetectReference(ids),
            _ => null,
        };
        double? posterior = bayesian is not null && scheme is HfSynthIdScheme s ? bayesian.Posterior(s, ids) : null;
        return figures is null ? null : DetectReferenceOutput.From(figures, posterior);
    }

    private static int[] StripBos(int[] ids, int? bos) => bos is { } b && ids.Length > 0 && ids[0] == b ? ids[1..] : ids;

    /// <summary>The statistic's name in output: camel case, as in JSON.</summary>
    internal static string StatisticName(DetectionStatistic statistic) => statistic switch
    {
        DetectionStatistic.GreenCount => "greenCount",
        DetectionStatistic.GumbelScore => "gumbelScore",
        DetectionStatistic.MeanGValue => "meanGValue",
        DetectionStatistic.WeightedMeanGValue => "weightedMeanGValue",
        DetectionStatistic.EditAlignment => "editAlignment",
        DetectionStatistic.AlignedGammaSum => "alignedGammaSum",
        _ => statistic.ToString(),
    };

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
}
