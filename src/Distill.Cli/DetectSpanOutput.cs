using System;
using System.Text.Json.Serialization;
using Distill.Detection;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>A located span in <c>distill detect</c>'s output: its tokens, and where text was given its characters.</summary>
/// <param name="Start">The index of its first character (text only).</param>
/// <param name="End">The index one past its last character (text only).</param>
/// <param name="StartToken">The index of its first token.</param>
/// <param name="EndToken">The index one past its last token.</param>
/// <param name="ScoredTokens">The scored tokens of the window.</param>
/// <param name="GreenTokens">The green tokens of the window.</param>
/// <param name="Score">The window's statistic.</param>
/// <param name="Log10PValue">The base-10 logarithm of its p-value, corrected for the windows searched.</param>
/// <param name="Preview">The span's text, shortened, for people (not in JSON).</param>
internal sealed record DetectSpanOutput(int? Start, int? End, int StartToken, int EndToken, long ScoredTokens, long GreenTokens, double Score, double Log10PValue, [property: JsonIgnore] string? Preview)
{
    /// <summary>The output of a span of token ids.</summary>
    public static DetectSpanOutput From(WatermarkedSpan span) =>
        new(null, null, span.Start, span.End, span.ScoredTokens, span.GreenTokens, span.Score, span.Log10PValue, null);

    /// <summary>The output of a span of text, with a preview of <paramref name="text"/>'s characters.</summary>
    public static DetectSpanOutput From(TextWatermarkedSpan span, string text) =>
        new(span.Characters.Start, span.Characters.End, span.Tokens.Start, span.Tokens.End, span.Tokens.ScoredTokens, span.Tokens.GreenTokens, span.Tokens.Score, span.Tokens.Log10PValue, PreviewOf(text, span.Characters));

    private static string PreviewOf(string text, TextSpan span)
    {
        string inner = text.Substring(span.Start, span.Length).ReplaceLineEndings(" ");
        return inner.Length <= 80 ? inner : string.Concat(inner.AsSpan(0, 38), " ... ", inner.AsSpan(inner.Length - 38));
    }
}
