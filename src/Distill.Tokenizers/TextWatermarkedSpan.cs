using Distill.Detection;

namespace Distill.Tokenizers;

/// <summary>A watermarked span with its place in the original text.</summary>
/// <param name="Tokens">The span in token indices, with its counts and corrected p-value.</param>
/// <param name="Characters">The span's characters in the original (unnormalized) text.</param>
public sealed record TextWatermarkedSpan(WatermarkedSpan Tokens, TextSpan Characters);
