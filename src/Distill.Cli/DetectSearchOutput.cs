using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Distill.Detection;

namespace Distill.Cli;

/// <summary>One line of <c>distill detect --json</c> over several profiles: the corrected best fit and every configuration's test.</summary>
/// <remarks>Written through <see cref="CliJsonContext"/>: camel-case names in this order; null fields are left out.</remarks>
internal sealed record DetectSearchOutput(
    JsonElement Id,
    int Configurations,
    string Correction,
    int Best,
    double PValue,
    double Log10PValue,
    double Alpha,
    bool Watermarked,
    IReadOnlyList<DetectSearchResultOutput> Results)
{
    /// <summary>The output of a search at family-wise level <paramref name="alpha"/>.</summary>
    public static DetectSearchOutput From(JsonElement id, ConfigurationSearchResult found, IReadOnlyList<ProfileContext> contexts, double alpha) => new(
        id,
        found.Configurations,
        found.Correction,
        found.BestIndex,
        found.PValue,
        found.Log10PValue,
        alpha,
        found.IsWatermarked(alpha),
        [.. contexts.Select((context, i) => DetectSearchResultOutput.From(context, found.Results[i], found.AdjustedLog10PValue(i)))]);
}
