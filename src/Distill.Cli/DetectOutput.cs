using System.Collections.Generic;
using System.Text.Json;
using Distill.Detection;

namespace Distill.Cli;

/// <summary>One line of <c>distill detect --json</c> for one profile: the test, the reference's figures, the located spans.</summary>
/// <remarks>Written through <see cref="CliJsonContext"/>: camel-case names in this order; null fields are left out.</remarks>
internal sealed record DetectOutput(
    JsonElement Id,
    string KeyId,
    string Scheme,
    string Status,
    string Statistic,
    double Score,
    long Tokens,
    long ScoredTokens,
    long GreenTokens,
    long SkippedPrefix,
    long SkippedRepeated,
    long SkippedCommon,
    double ScoredShare,
    string? ReferenceFilter,
    double? Gamma,
    double ZScore,
    double PValue,
    double Log10PValue,
    double Alpha,
    bool Watermarked,
    DetectReferenceOutput? Reference,
    long WindowsSearched,
    IReadOnlyList<DetectSpanOutput> Spans)
{
    /// <summary>The output of a detection at level <paramref name="alpha"/>.</summary>
    public static DetectOutput From(JsonElement id, DetectionResult d, string scheme, double alpha, DetectReferenceOutput? reference, long windowsSearched, IReadOnlyList<DetectSpanOutput> spans) => new(
        id,
        d.KeyId,
        scheme,
        StatusName(d.Status),
        DetectCommand.StatisticName(d.Statistic),
        d.Score,
        d.TokenCount,
        d.ScoredTokens,
        d.GreenTokens,
        d.SkippedPrefix,
        d.SkippedRepeated,
        d.SkippedCommon,
        d.ScoredShare,
        d.Reference?.ToString(),
        double.IsFinite(d.Gamma) ? d.Gamma : null,
        d.ZScore,
        d.PValue,
        d.Log10PValue,
        alpha,
        d.IsWatermarked(alpha),
        reference,
        windowsSearched,
        spans);

    /// <summary>The status's name in output: camel case.</summary>
    public static string StatusName(DetectionStatus status) => status == DetectionStatus.Scored ? "scored" : "insufficientTokens";
}
