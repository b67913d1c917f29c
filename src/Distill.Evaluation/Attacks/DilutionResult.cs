using System;
using System.Collections.Generic;

namespace Distill.Evaluation.Attacks;

/// <summary>The output of <see cref="CopyPasteDilution"/>: the mixed tokens and where the watermarked segments lie.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class DilutionResult
{
    internal DilutionResult(int[] tokens, TokenRange[] watermarkedRanges)
    {
        Tokens = tokens;
        WatermarkedRanges = watermarkedRanges;
        int watermarked = 0;
        foreach (TokenRange range in watermarkedRanges)
        {
            watermarked += range.Length;
        }

        WatermarkedTokenCount = watermarked;
    }

    /// <summary>Gets the mixed token ids: human tokens with the watermarked segments inserted.</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Gets the positions of the watermarked segments in <see cref="Tokens"/>, in order, disjoint and never adjacent.</summary>
    public IReadOnlyList<TokenRange> WatermarkedRanges { get; }

    /// <summary>Gets the number of watermarked tokens in <see cref="Tokens"/>.</summary>
    public int WatermarkedTokenCount { get; }

    /// <summary>Gets the number of human tokens in <see cref="Tokens"/>.</summary>
    public int HumanTokenCount => Tokens.Length - WatermarkedTokenCount;

    /// <summary>Gets the fraction of <see cref="Tokens"/> that is watermarked.</summary>
    public double WatermarkedFraction => Tokens.Length == 0 ? 0 : (double)WatermarkedTokenCount / Tokens.Length;
}
