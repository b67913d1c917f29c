using System.Collections.Generic;

namespace Distill.Detection;

/// <summary>The watermarked spans found in a stream, and the size of the search behind their p-values.</summary>
/// <remarks>Made by <see cref="WatermarkScheme.Localize"/> only: a result cannot be constructed or altered outside the library.</remarks>
public sealed record LocalizationResult
{
    /// <summary>Initializes a new instance of the <see cref="LocalizationResult"/> class.</summary>
    /// <param name="spans">Disjoint significant spans, most significant first.</param>
    /// <param name="windowsSearched">The number of windows tested.</param>
    /// <param name="scoredTokens">The number of tokens scored in the whole stream.</param>
    /// <param name="alpha">The family-wise significance level used.</param>
    internal LocalizationResult(IReadOnlyList<WatermarkedSpan> spans, long windowsSearched, long scoredTokens, double alpha)
    {
        Spans = spans;
        WindowsSearched = windowsSearched;
        ScoredTokens = scoredTokens;
        Alpha = alpha;
    }

    /// <summary>Gets the disjoint significant spans, most significant first; empty when none is significant.</summary>
    public IReadOnlyList<WatermarkedSpan> Spans { get; }

    /// <summary>Gets the number of windows tested: the Bonferroni factor applied to every span's p-value.</summary>
    public long WindowsSearched { get; }

    /// <summary>Gets the number of tokens scored in the whole stream.</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the family-wise significance level used.</summary>
    public double Alpha { get; }
}
