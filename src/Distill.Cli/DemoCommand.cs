using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.Evaluation;
using Distill.Fingerprinting;
using Distill.GreenList;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>Generates, detects and localizes with the built-in model and a fresh key, printing the figures.</summary>
internal static class DemoCommand
{
    private const int Samples = 8;
    private const int Tokens = 200;

    private static readonly HashSet<string> s_values = ["seed"];
    private static readonly HashSet<string> s_flags = [];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        ulong seed = unchecked((ulong)a.GetLong("seed", 2025));
        var clock = Stopwatch.StartNew();
        CultureInfo inv = CultureInfo.InvariantCulture;

        stdout.WriteLine("Distill demo: KGW watermark (SelfHash h=4, gamma 0.25, delta 2) on a Kneser-Ney model of the Brown corpus.");
        TextTokenizer tokenizer = BuiltInModel.Tokenizer;
        KneserNeyModel model = BuiltInModel.Model;
        stdout.WriteLine(string.Create(inv, $"Built-in model: order {model.Order}, {model.TrainingTokenCount:N0} training tokens ({tokenizer.Name}), ready in {clock.Elapsed.TotalSeconds:F1} s."));

        WatermarkKey key = WatermarkKey.Generate();
        // With the built-in reference filter, as keygen makes profiles: pairs common in public text are not scored.
        var scheme = KgwScheme.Create(key, KgwOptions.Default, tokenizer.VocabularySize, tokenizer.Name).WithReference([ReferenceCorpora.Brown(tokenizer)]);
        var detector = new TextDetector(scheme, tokenizer);
        var generator = new TextGenerator(model);
        WatermarkSession session = scheme.CreateSession([]);
        stdout.WriteLine($"Fresh key {key.KeyId} (generated now; never stored). Prompts from held-out Brown documents.");
        stdout.WriteLine();
        stdout.WriteLine(string.Create(inv, $"{"prompt from",-12} {"watermarked: green/scored",26} {"p",10}   {"plain: green/scored",20} {"p",10}"));

        List<CorpusPassage> prompts = BrownCorpus.HeldOutPrompts(tokenizer, 24, 400).Where((_, i) => i % 25 == 0).Take(Samples).ToList();
        int detected = 0, falseAlarms = 0;
        string? example = null;
        for (int i = 0; i < prompts.Count; i++)
        {
            var options = new SamplingOptions { Seed = seed + (ulong)i };
            GeneratedText marked = generator.GenerateText(tokenizer, prompts[i].Text, Tokens, options, session);
            GeneratedText plain = generator.GenerateText(tokenizer, prompts[i].Text, Tokens, options);
            DetectionResult m = detector.Detect(marked.Text).Detection;
            DetectionResult p = detector.Detect(plain.Text).Detection;
            detected += m.IsWatermarked(DetectCommand.DefaultAlpha) ? 1 : 0;
            falseAlarms += p.IsWatermarked(DetectCommand.DefaultAlpha) ? 1 : 0;
            example ??= marked.Text;
            stdout.WriteLine(string.Create(inv, $"{prompts[i].Document.Id,-12} {m.GreenTokens + "/" + m.ScoredTokens,26} {DetectCommand.FormatP(m.Log10PValue),10}   {p.GreenTokens + "/" + p.ScoredTokens,20} {DetectCommand.FormatP(p.Log10PValue),10}"));
        }

        stdout.WriteLine();
        stdout.WriteLine(string.Create(inv, $"Detected at p < {DetectCommand.DefaultAlpha:G1}: {detected} of {prompts.Count} watermarked texts, {falseAlarms} of {prompts.Count} plain texts."));
        stdout.WriteLine($"A watermarked text reads: \"{Shorten(example ?? string.Empty, 240)}\"");
        stdout.WriteLine();

        // A watermarked paragraph pasted into the middle of a human document.
        BrownDocument human = BrownCorpus.HeldOutDocuments[7];
        string humanText = FirstWords(human.Text, 900);
        int cut = humanText.IndexOf(". ", humanText.Length / 2, StringComparison.Ordinal) + 2;
        string before = humanText[..cut], after = humanText[cut..];
        GeneratedText pasted = generator.GenerateText(tokenizer, before, 150, new SamplingOptions { Seed = seed + 1000 }, session);
        string paragraph = pasted.Text.Trim() + " ";
        string mixed = before + paragraph + after;
        TextDetectionResult located = detector.Detect(mixed);
        int insertedStart = before.Length, insertedEnd = before.Length + paragraph.Length;
        stdout.WriteLine(string.Create(inv, $"Human document {human.Id} ({located.Tokens.Count} tokens) with a watermarked paragraph pasted at characters {insertedStart}-{insertedEnd} ({100.0 * paragraph.Length / mixed.Length:F0}% of the text):"));
        stdout.WriteLine(string.Create(inv, $"  whole text: {located.Detection.GreenTokens}/{located.Detection.ScoredTokens} green, p = {DetectCommand.FormatP(located.Detection.Log10PValue)}"));
        if (located.Spans.Count == 0)
        {
            stdout.WriteLine("  no span significant after correction.");
        }

        foreach (TextWatermarkedSpan span in located.Spans)
        {
            int overlap = Math.Max(0, Math.Min(span.Characters.End, insertedEnd) - Math.Max(span.Characters.Start, insertedStart));
            stdout.WriteLine(string.Create(inv, $"  found span at characters {span.Characters.Start}-{span.Characters.End}: p = {DetectCommand.FormatP(span.Tokens.Log10PValue)} after correcting for {located.WindowsSearched} windows; covers {100.0 * overlap / paragraph.Length:F0}% of the pasted paragraph, {100.0 * (span.Characters.Length - overlap) / Math.Max(1, span.Characters.Length):F0}% of it is human text."));
        }

        stdout.WriteLine();
        TraceTenants(key, tokenizer, generator, prompts, seed, stdout);
        stdout.WriteLine();
        stdout.WriteLine(string.Create(inv, $"Done in {clock.Elapsed.TotalSeconds:F1} s."));
        return CliApp.Success;
    }

    /// <summary>Fingerprints: texts for four of a million tenants traced back, then a pooled corpus of two colluders.</summary>
    private static void TraceTenants(WatermarkKey key, TextTokenizer tokenizer, TextGenerator generator, List<CorpusPassage> prompts, ulong seed, TextWriter stdout)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var scheme = FingerprintScheme.Create(key, null, null, tokenizer.VocabularySize, tokenizer.Name);
        TenantRegistry registry = TenantRegistry.FromNames(Enumerable.Range(0, 1_000_000).Select(i => $"customer-{i}"));
        stdout.WriteLine("Fingerprints (kgw-fingerprint, same master key): a registry of 1,000,000 tenants; 200-token texts for four of them, traced back:");
        for (int i = 0; i < 4; i++)
        {
            TenantId tenant = registry.Tenants[(i * 271_829) + 17];
            int[] prompt = prompts[i].Tokens[..24].ToArray();
            var output = new int[Tokens];
            generator.Generate(prompt, output, new SamplingOptions { Seed = seed + 2000 + (ulong)i }, scheme.CreateSession(tenant, prompt));
            var clock = Stopwatch.StartNew();
            TraceResult trace = scheme.Trace(output, registry);
            string found = trace.Tenant is { } t ? registry.NameOf(t) : "none";
            stdout.WriteLine(string.Create(inv, $"  written for {registry.NameOf(tenant),-16} traced to {found,-16} p = {DetectCommand.FormatP(trace.Log10PValue)} (corrected for 10^6 tenants; {clock.Elapsed.TotalMilliseconds:F0} ms); zero-bit p = {DetectCommand.FormatP(trace.ZeroBit.Log10PValue)}"));
        }

        TenantId[] colluders = [registry.Tenants[123_456], registry.Tenants[654_321]];
        FingerprintEvidence pool = scheme.CreateEvidence();
        for (int d = 0; d < 24; d++)
        {
            int[] prompt = prompts[d % prompts.Count].Tokens[..24].ToArray();
            var output = new int[Tokens];
            generator.Generate(prompt, output, new SamplingOptions { Seed = seed + 3000 + (ulong)d }, scheme.CreateSession(colluders[d % 2], prompt));
            pool.Add(output);
        }

        PooledTraceResult pooled = scheme.TracePooled(pool, registry);
        stdout.WriteLine(string.Create(inv, $"A pooled corpus of {pool.Documents} texts ({pool.Scored:N0} scored tokens) from {registry.NameOf(colluders[0])} and {registry.NameOf(colluders[1])}, mixed: accused {pooled.Accused.Count} at P(any innocent accused) <= {pooled.FalseAccusationBound:G1}:"));
        foreach (Accusation a in pooled.Ranked.Take(3))
        {
            stdout.WriteLine(string.Create(inv, $"  {registry.NameOf(a.Tenant),-16} score {a.Score,8:F1}  p <= {DetectCommand.FormatP(a.Log10PValue)}{(a.Accused ? "  accused" : string.Empty)}"));
        }
    }

    private static string FirstWords(string text, int words)
    {
        string[] parts = text.Split(' ');
        return string.Join(' ', parts.Take(words));
    }

    private static string Shorten(string text, int length)
    {
        string flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= length ? flat : flat[..length] + "...";
    }
}
