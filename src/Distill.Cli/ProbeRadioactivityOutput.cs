using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Distill.Extensions.AI;
using Distill.Radioactivity;

namespace Distill.Cli;

/// <summary>Prints the closed-model radioactivity test of a probe log, as text or one JSON object.</summary>
internal static class ProbeRadioactivityOutput
{
    public static void Write(ProbeLog log, ProfileContext profile, bool json, TextWriter stdout)
    {
        RadioactivityResult r = log.TestRadioactivity(profile.Scheme, profile.Tokenizer);
        int responses = log.AnsweredCount;
        stdout.WriteLine(json ? ToJson(r, responses, profile.Scheme.Descriptor.Scheme) : ToHuman(r, responses));
    }

    private static string ToHuman(RadioactivityResult r, int responses)
    {
        string verdict = r.Status == Detection.DetectionStatus.InsufficientTokens
            ? "too few scored tokens to test"
            : r.IsSignificant(DetectCommand.DefaultAlpha)
                ? $"RADIOACTIVE: the suspect's responses are consistent with training on text watermarked with key {r.KeyId}"
                : $"no evidence that the suspect learned from text watermarked with key {r.KeyId}";
        string evidence = r.Statistic == Detection.DetectionStatistic.GreenCount
            ? $"{r.GreenTokens} of {r.ScoredTokens} scored tokens green (score {r.Score:G4})"
            : $"{DetectCommand.StatisticName(r.Statistic)} {r.Score:G6} over {r.ScoredTokens} scored tokens";
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"radioactivity over {responses} responses: {verdict}");
        s.AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"  p = {DetectCommand.FormatP(r.Log10PValue)} (log10 {r.Log10PValue:F2}, alpha {DetectCommand.DefaultAlpha:G3}); {evidence}, z = {r.ZScore:F2}; {r.TokenCount} tokens, excluded: {r.ExcludedByPrompt} from prompts, {r.Duplicates} duplicates, {r.SkippedPrefix} without context");
        return s.ToString();
    }

    private static string ToJson(RadioactivityResult r, int responses, string scheme)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("keyId", r.KeyId);
            w.WriteString("scheme", scheme);
            w.WriteString("test", "closedModel");
            w.WriteNumber("responses", responses);
            w.WriteString("status", r.Status == Detection.DetectionStatus.Scored ? "scored" : "insufficientTokens");
            w.WriteString("statistic", DetectCommand.StatisticName(r.Statistic));
            w.WriteNumber("score", r.Score);
            w.WriteNumber("tokens", r.TokenCount);
            w.WriteNumber("scoredTokens", r.ScoredTokens);
            w.WriteNumber("greenTokens", r.GreenTokens);
            w.WriteNumber("excludedByPrompt", r.ExcludedByPrompt);
            w.WriteNumber("duplicates", r.Duplicates);
            w.WriteNumber("skippedPrefix", r.SkippedPrefix);
            w.WriteNumber("zScore", r.ZScore);
            w.WriteNumber("pValue", r.PValue);
            w.WriteNumber("log10PValue", r.Log10PValue);
            w.WriteNumber("alpha", DetectCommand.DefaultAlpha);
            w.WriteBoolean("radioactive", r.IsSignificant(DetectCommand.DefaultAlpha));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
