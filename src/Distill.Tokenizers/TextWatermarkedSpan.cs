using Distill.Detection;

namespace Distill.Tokenizers;

/// <summary>A watermarked span with its place in the original text.</summary>
/// <remarks>Made by <see cref="TextDetector.Detect"/> only: a span cannot be constructed or altered outside the library.</remarks>
public sealed record TextWatermarkedSpan
{
    /// <summary>Initializes a new instance of the <see cref="TextWatermarkedSpan"/> class.</summary>
    /// <param name="tokens">The span in token indices.</param>
    /// <param name="characters">The span's characters in the original text.</param>
    internal TextWatermarkedSpan(WatermarkedSpan tokens, TextSpan characters)
    {
        Tokens = tokens;
        Characters = characters;
    }

    /// <summary>Gets the span in token indices, with its counts and corrected p-value.</summary>
    public WatermarkedSpan Tokens { get; }

    /// <summary>Gets the span's characters in the original (unnormalized) text.</summary>
    public TextSpan Characters { get; }
}
