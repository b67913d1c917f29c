using System.Collections.Generic;

namespace Distill.Detection;

/// <summary>The watermarked spans found in a stream, and the size of the search behind their p-values.</summary>
/// <param name="Spans">Disjoint significant spans, most significant first; empty when none is significant.</param>
/// <param name="WindowsSearched">The number of windows tested: the Bonferroni factor applied to every span's p-value.</param>
/// <param name="ScoredTokens">The number of tokens scored in the whole stream.</param>
/// <param name="Alpha">The family-wise significance level used.</param>
public sealed record LocalizationResult(IReadOnlyList<WatermarkedSpan> Spans, long WindowsSearched, long ScoredTokens, double Alpha);
