using System.Collections.Generic;
using Distill.Detection;

namespace Distill.Tokenizers;

/// <summary>The outcome of <see cref="TextDetector.Detect"/>.</summary>
/// <remarks>Made by <see cref="TextDetector.Detect"/> only: a result cannot be constructed or altered outside the library.</remarks>
public sealed record TextDetectionResult
{
    /// <summary>Initializes a new instance of the <see cref="TextDetectionResult"/> class.</summary>
    /// <param name="tokens">The tokenized text.</param>
    /// <param name="detection">The test of the whole text.</param>
    /// <param name="spans">Watermarked spans, most significant first.</param>
    /// <param name="windowsSearched">The number of windows searched for spans.</param>
    internal TextDetectionResult(TokenizedText tokens, DetectionResult detection, IReadOnlyList<TextWatermarkedSpan> spans, long windowsSearched)
    {
        Tokens = tokens;
        Detection = detection;
        Spans = spans;
        WindowsSearched = windowsSearched;
    }

    /// <summary>Gets the tokenized text.</summary>
    public TokenizedText Tokens { get; }

    /// <summary>Gets the test of the whole text.</summary>
    public DetectionResult Detection { get; }

    /// <summary>Gets the watermarked spans, most significant first, with corrected p-values.</summary>
    public IReadOnlyList<TextWatermarkedSpan> Spans { get; }

    /// <summary>Gets the number of windows searched for spans (the correction factor).</summary>
    public long WindowsSearched { get; }
}
