using System.Collections.Generic;
using Distill.Detection;

namespace Distill.Tokenizers;

/// <summary>The outcome of <see cref="TextDetector.Detect"/>.</summary>
/// <param name="Tokens">The tokenized text.</param>
/// <param name="Detection">The test of the whole text.</param>
/// <param name="Spans">Watermarked spans, most significant first, with corrected p-values.</param>
/// <param name="WindowsSearched">The number of windows searched for spans (the correction factor).</param>
public sealed record TextDetectionResult(TokenizedText Tokens, DetectionResult Detection, IReadOnlyList<TextWatermarkedSpan> Spans, long WindowsSearched);
