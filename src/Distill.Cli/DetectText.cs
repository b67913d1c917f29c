using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Distill.Detection;

namespace Distill.Cli;

/// <summary><c>distill detect</c>'s output for people: the verdict first, then the figures behind it.</summary>
internal static class DetectText
{
    public static string Search(InputDocument document, ConfigurationSearchResult found, IReadOnlyList<ProfileContext> contexts, double alpha)
    {
        var s = new StringBuilder();
        ProfileContext best = contexts[found.BestIndex];
        string verdict = found.IsWatermarked(alpha)
            ? $"WATERMARKED: best fit {best.Path} ({best.Scheme.Descriptor.Scheme}, key {best.Scheme.Descriptor.KeyId})"
            : "no evidence for any configuration";
        s.Append(CultureInfo.InvariantCulture, $"{document.Name}: {verdict}");
        s.AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"  p = {DetectCommand.FormatP(found.Log10PValue)} corrected by {found.Correction} (alpha {alpha:G3})");
        for (int i = 0; i < contexts.Count; i++)
        {
            DetectionResult? r = found.Results[i];
            s.AppendLine();
            s.Append(r is null
                ? string.Create(CultureInfo.InvariantCulture, $"  [{i}] {contexts[i].Path}: not scored (token ids outside its vocabulary of {contexts[i].Scheme.VocabularySize})")
                : string.Create(CultureInfo.InvariantCulture, $"  [{i}] {contexts[i].Path}: {contexts[i].Scheme.Descriptor.Scheme} key {r.KeyId}: p = {DetectCommand.FormatP(r.Log10PValue)}, adjusted {DetectCommand.FormatP(found.AdjustedLog10PValue(i))}; {DetectCommand.StatisticName(r.Statistic)} {r.Score:G6} over {r.ScoredTokens} scored tokens"));
        }

        return s.ToString();
    }

    public static string Detection(InputDocument document, DetectionResult d, IReadOnlyList<DetectSpanOutput> spans, long windowsSearched, double alpha, DetectReferenceOutput? reference)
    {
        var s = new StringBuilder();
        string verdict = d.Status == DetectionStatus.InsufficientTokens
            ? $"too short to test ({d.ScoredTokens} scored tokens; at least {DetectionOptions.Default.MinimumScoredTokens} needed)"
            : d.IsWatermarked(alpha)
                ? $"WATERMARKED: consistent with key {d.KeyId}"
                : $"no evidence for key {d.KeyId}";
        s.Append(CultureInfo.InvariantCulture, $"{document.Name}: {verdict}");
        s.AppendLine();
        string evidence = d.Statistic == DetectionStatistic.GreenCount
            ? $"{d.GreenTokens} of {d.ScoredTokens} scored tokens green (expected {d.Gamma * d.ScoredTokens:F1})"
            : $"{DetectCommand.StatisticName(d.Statistic)} {d.Score:G6} over {d.ScoredTokens} scored tokens";
        s.Append(CultureInfo.InvariantCulture, $"  p = {DetectCommand.FormatP(d.Log10PValue)} (alpha {alpha:G3}); {evidence}, z = {d.ZScore:F2}; {d.TokenCount} tokens, {d.SkippedRepeated} repeated, {d.SkippedPrefix} without context");
        s.Append(d.Reference is { } filter
            ? string.Create(CultureInfo.InvariantCulture, $", {d.SkippedCommon} common in the reference ({d.ScoredShare:P0} of the text scored; {filter})")
            : "; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)");
        if (reference is not null)
        {
            s.AppendLine();
            s.Append(string.Create(CultureInfo.InvariantCulture, $"  reference ({reference.Name}): score {reference.Score:G6} over {reference.Scored}"));
            s.Append(reference.ZScore is { } z ? string.Create(CultureInfo.InvariantCulture, $", z = {z:F2}") : "");
            s.Append(reference.Log10PValue is { } lp ? $", its p = {DetectCommand.FormatP(lp)}" : "");
            s.Append(reference.Watermarked is { } w ? $", its verdict: {(w ? "watermarked" : "not watermarked")}" : "");
            s.Append(reference.BayesianPosterior is { } posterior ? string.Create(CultureInfo.InvariantCulture, $", Bayesian posterior {posterior:G4} (not a p-value)") : "");
        }

        foreach (DetectSpanOutput span in spans)
        {
            s.AppendLine();
            s.Append(span.Start is { } start
                ? string.Create(CultureInfo.InvariantCulture, $"  watermarked span: characters {start}-{span.End} (tokens {span.StartToken}-{span.EndToken}), p = {DetectCommand.FormatP(span.Log10PValue)} corrected for {windowsSearched} windows: \"{span.Preview}\"")
                : string.Create(CultureInfo.InvariantCulture, $"  watermarked span: tokens {span.StartToken}-{span.EndToken}, p = {DetectCommand.FormatP(span.Log10PValue)} corrected for {windowsSearched} windows"));
        }

        return s.ToString();
    }
}
