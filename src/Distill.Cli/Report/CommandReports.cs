using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Distill.Detection;
using Distill.Fingerprinting;
using Distill.Radioactivity;
using Distill.Tokenizers;

namespace Distill.Cli.Report;

/// <summary>What <c>detect</c>, <c>trace</c> and <c>radioactivity</c> put in their <c>--report</c>: one call per document or result, so the commands stay as they are.</summary>
internal static class CommandReports
{
    /// <summary>A report of one run, its inputs recorded (the paths that are not given are skipped).</summary>
    public static EvidenceReport Create(string command, IReadOnlyList<string> args, SchemeDescriptor descriptor, params IEnumerable<(string Role, string? Path)>[] inputs)
    {
        var report = new EvidenceReport(command, args);
        report.SetDescriptor(descriptor);
        foreach (var (role, path) in inputs.SelectMany(i => i))
        {
            if (path is not null)
            {
                report.AddInput(role, path);
            }
        }

        return report;
    }

    /// <summary>Paths with one role.</summary>
    public static IEnumerable<(string Role, string? Path)> Role(string role, IEnumerable<string?> paths) => paths.Select(p => (role, p));

    /// <summary>
    /// Adds a detected document: its summary row, and when it is among the most significant the
    /// per-token evidence of the scheme that detected it, with its spans (the tokens and the spans are
    /// computed only then).
    /// </summary>
    public static void AddDetection(
        EvidenceReport report,
        InputDocument document,
        WatermarkScheme scheme,
        Func<DocumentTokens> tokens,
        DetectionOptions options,
        DetectionResult d,
        Func<DocumentTokens, (IReadOnlyList<DetectSpanOutput> Spans, long WindowsSearched)> spans,
        double alpha,
        (double Log10PValue, bool Significant, string Verdict, IReadOnlyList<KeyValuePair<string, string>> Figures)? outcome = null)
    {
        double p = outcome?.Log10PValue ?? d.Log10PValue;
        bool significant = outcome?.Significant ?? (d.Status == DetectionStatus.Scored && p <= Math.Log10(alpha));
        string verdict = outcome?.Verdict ?? (d.Status == DetectionStatus.InsufficientTokens
            ? $"too short to test ({d.ScoredTokens} scored tokens)"
            : significant ? $"WATERMARKED: consistent with key {d.KeyId}" : $"no evidence for key {d.KeyId}");
        report.AddDocument(document.Name, verdict, significant, p, d.TokenCount, d.ScoredTokens, () =>
        {
            DocumentTokens t = tokens();
            TokenEvidence evidence = scheme.ScoreEachToken(t.Ids, options);
            var (located, windows) = spans(t);
            List<KeyValuePair<string, string>> figures = [.. outcome?.Figures ?? [new("p-value", $"{DetectCommand.FormatP(p)} (log10 p = {p.ToString("F2", CultureInfo.InvariantCulture)}; alpha {alpha.ToString("G3", CultureInfo.InvariantCulture)})")]];
            figures.AddRange(
            [
                new("Scheme", scheme.Descriptor.Scheme),
                new("Key id", d.KeyId),
                new("Statistic", $"{DetectCommand.StatisticName(d.Statistic)} = {Html.Short(d.Score)} over {d.ScoredTokens} scored tokens, z = {d.ZScore.ToString("F2", CultureInfo.InvariantCulture)}"),
                new("Tokens", $"{d.TokenCount}: {d.ScoredTokens} scored, {d.GreenTokens} green, {d.SkippedRepeated} repeated, {d.SkippedCommon} common, {d.SkippedPrefix} prefix"),
                new("Deduplicated", d.Deduplicated ? "yes (each (context, token) pair scored once)" : "no (--no-dedup: p-values are not valid on repetitive text)"),
            ]);
            if (d.Statistic == DetectionStatistic.GreenCount)
            {
                figures.Add(new("Green", $"{d.GreenTokens} of {d.ScoredTokens} (expected {(d.Gamma * d.ScoredTokens).ToString("F1", CultureInfo.InvariantCulture)} at gamma {Html.Short(d.Gamma)})"));
            }

            return new ReportDocument(document.Name, verdict, significant, p, figures, evidence, t.Tokens, located, windows);
        });
    }

    /// <summary>The radioactivity test's verdict and its evidence table.</summary>
    public static void Radioactivity(EvidenceReport report, RadioactivityResult r, double alpha, int outputs, int prompts, ContextFilter? filter)
    {
        bool significant = r.IsSignificant(alpha);
        report.SetVerdict(significant ? $"RADIOACTIVE: the suspect's outputs carry the watermark of key {r.KeyId}" : $"no evidence that the suspect learned from text watermarked with key {r.KeyId}", significant, r.Log10PValue);
        string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        string I(long x) => x.ToString(CultureInfo.InvariantCulture);
        report.AddTable("radioactivity", "Radioactivity evidence", "The closed-model test: the suspect's outputs scored as one corpus, with corpus-wide deduplication; tokens not scored are listed by reason.", ["Quantity", "Value"],
        [
            ["Setting", filter is null ? "closed model, unsupervised" : $"closed model, supervised ({filter.Count} contexts of our outputs)"],
            ["Key id", r.KeyId],
            ["Descriptor hash", r.DescriptorHash],
            ["Statistic", $"{DetectCommand.StatisticName(r.Statistic)} = {F(r.Score)}"],
            ["z-score", r.ZScore.ToString("F2", CultureInfo.InvariantCulture)],
            ["p-value", DetectCommand.FormatP(r.Log10PValue)],
            ["log10 p", r.Log10PValue.ToString("F2", CultureInfo.InvariantCulture)],
            ["alpha", F(alpha)],
            ["Suspect outputs", I(outputs)],
            ["Prompts", I(prompts)],
            ["Tokens", I(r.TokenCount)],
            ["Scored", I(r.ScoredTokens)],
            ["Green", I(r.GreenTokens)],
            ["Not scored: prefix (no full context)", I(r.SkippedPrefix)],
            ["Not scored: duplicate pair (deduplicated)", I(r.Duplicates)],
            ["Not scored: context in a prompt (excluded)", I(r.ExcludedByPrompt)],
            ["Not scored: outside the filter", I(r.OutsideFilter)],
        ]);
    }

    /// <summary>A pooled trace's verdict, its corpus figures and its ranking of the tenants.</summary>
    public static void Pooled(EvidenceReport report, PooledTraceResult r, FingerprintEvidence corpus, int documents, Func<TenantId, string> name)
    {
        bool accused = r.Accused.Count > 0;
        report.SetVerdict(accused ? $"ACCUSED: {string.Join(", ", r.Accused.Select(x => name(x.Tenant)))}" : "no tenant accused", accused, r.Ranked.Count > 0 ? r.Ranked[0].Log10PValue : null);
        string I(long x) => x.ToString(CultureInfo.InvariantCulture);
        report.AddTable("corpus", "Pooled corpus", "The corpus traced as one (a leak mixing several tenants' outputs).", ["Quantity", "Value"],
        [
            ["Documents", I(documents)],
            ["Tokens", I(corpus.Tokens)],
            ["Scored", I(r.ScoredTokens)],
            ["Green", I(corpus.Green)],
            ["Zero-bit watermark p", DetectCommand.FormatP(corpus.ZeroBit.Log10PValue)],
            ["Registered tenants", I(r.Tenants)],
            ["Tardos positions used", I(r.PositionsUsed)],
            ["Bound on accusing any innocent tenant", r.FalseAccusationBound.ToString("G3", CultureInfo.InvariantCulture)],
        ]);
        int rank = 0;
        report.AddTable("ranking", "Tenant ranking", "The registered tenants ranked by Tardos score; a tenant is accused when its p-value is below the accusation threshold.", ["Rank", "Tenant", "Score", "p-value", "log10 p", "Accused"],
            r.Ranked.Select(x => (IReadOnlyList<string>)[I(++rank), name(x.Tenant), x.Score.ToString("F2", CultureInfo.InvariantCulture), DetectCommand.FormatP(x.Log10PValue), x.Log10PValue.ToString("F2", CultureInfo.InvariantCulture), x.Accused ? "ACCUSED" : "no"]));
    }

    /// <summary>Adds a traced document: the tracer's verdict, and when shown in full the zero-bit layer's per-token evidence and its localized spans.</summary>
    public static void AddTrace(EvidenceReport report, JsonElement id, FingerprintScheme scheme, Func<TokenizedText> text, TraceResult r, Func<TenantId, string> tenantName, double alpha)
    {
        string verdict = r.Tenant is { } tenant
            ? $"TENANT {tenantName(tenant)}: consistent with this tenant's fingerprint under key {r.ZeroBit.KeyId}"
            : r.BestCandidate is { } best ? $"no confident tenant (best candidate {tenantName(best)} is not significant)" : "no confident tenant (no candidate found)";
        AddDetection(
            report,
            new InputDocument(id, null, null),
            scheme,
            () => DocumentTokens.FromText(text()),
            DetectionOptions.Default,
            r.ZeroBit,
            t => scheme.Localize(t.Ids, LocalizationOptions.Default with { Alpha = alpha }) is var located ? ([.. located.Spans.Select(DetectSpanOutput.From)], located.WindowsSearched) : default,
            alpha,
            (r.Log10PValue, r.IsSignificant, verdict, [new("Tenant p-value", $"{DetectCommand.FormatP(r.Log10PValue)} corrected for the tenants searched (uncorrected {DetectCommand.FormatP(r.Log10PValueUncorrected)})"), new("Zero-bit watermark p", DetectCommand.FormatP(r.ZeroBit.Log10PValue))]));
    }
}
