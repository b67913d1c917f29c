using Distill.Detection;

namespace Distill.Cli;

/// <summary>One configuration's test in a search's output (its figures left out where it could not score the ids).</summary>
/// <param name="Profile">The profile's path.</param>
/// <param name="Scheme">The scheme's name.</param>
/// <param name="KeyId">The key's public id.</param>
/// <param name="Descriptor">The descriptor's hash.</param>
/// <param name="Status"><c>scored</c>, <c>insufficientTokens</c> or <c>notScored</c> (ids outside its vocabulary).</param>
/// <param name="Statistic">The statistic's name.</param>
/// <param name="Score">The statistic's value.</param>
/// <param name="ScoredTokens">The scored tokens.</param>
/// <param name="Log10PValue">The base-10 logarithm of its own p-value.</param>
/// <param name="AdjustedLog10PValue">The base-10 logarithm of its p-value corrected for the search.</param>
internal sealed record DetectSearchResultOutput(string Profile, string Scheme, string KeyId, string Descriptor, string Status, string? Statistic, double? Score, long? ScoredTokens, double? Log10PValue, double AdjustedLog10PValue)
{
    /// <summary>The output of one configuration's result, or of its absence.</summary>
    public static DetectSearchResultOutput From(ProfileContext context, DetectionResult? r, double adjustedLog10PValue)
    {
        SchemeDescriptor descriptor = context.Scheme.Descriptor;
        return new(
            context.Path,
            descriptor.Scheme,
            descriptor.KeyId,
            descriptor.Hash,
            r is null ? "notScored" : DetectOutput.StatusName(r.Status),
            r is null ? null : DetectCommand.StatisticName(r.Statistic),
            r?.Score,
            r?.ScoredTokens,
            r?.Log10PValue,
            adjustedLog10PValue);
    }
}
