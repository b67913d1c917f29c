namespace Distill.Detection;

/// <summary>A run of tokens in which the watermark is significant after correction for the search.</summary>
/// <remarks>Made by <see cref="WatermarkScheme.Localize"/> only: a span cannot be constructed or altered outside the library.</remarks>
public sealed record WatermarkedSpan
{
    /// <summary>Initializes a new instance of the <see cref="WatermarkedSpan"/> class; its <see cref="Score"/> is the green count.</summary>
    /// <param name="start">The index of the span's first token in the stream.</param>
    /// <param name="end">The index one past the span's last token.</param>
    /// <param name="scoredTokens">The number of scored tokens in the window tested.</param>
    /// <param name="greenTokens">The number of green tokens in the window tested.</param>
    /// <param name="log10PValue">The corrected base-10 logarithm of the p-value.</param>
    /// <param name="log10PValueUncorrected">The window's own base-10 logarithm of the p-value.</param>
    internal WatermarkedSpan(int start, int end, long scoredTokens, long greenTokens, double log10PValue, double log10PValueUncorrected)
    {
        Start = start;
        End = end;
        ScoredTokens = scoredTokens;
        GreenTokens = greenTokens;
        Log10PValue = log10PValue;
        Log10PValueUncorrected = log10PValueUncorrected;
        Score = greenTokens;
    }

    /// <summary>Gets the index of the span's first token in the stream.</summary>
    public int Start { get; }

    /// <summary>Gets the index one past the span's last token.</summary>
    public int End { get; }

    /// <summary>Gets the number of scored tokens in the window tested.</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the number of green tokens in the window tested (0 for schemes without green lists).</summary>
    public long GreenTokens { get; }

    /// <summary>Gets the base-10 logarithm of the p-value corrected for every window searched (Bonferroni): valid after the search.</summary>
    public double Log10PValue { get; internal init; }

    /// <summary>Gets the base-10 logarithm of the window's own p-value, before correction.</summary>
    public double Log10PValueUncorrected { get; }

    /// <summary>Gets the corrected p-value (underflows to 0 where <see cref="Log10PValue"/> stays exact).</summary>
    public double PValue => System.Math.Pow(10.0, Log10PValue);

    /// <summary>Gets the window's test statistic: the green count for green lists, the window's summed score otherwise.</summary>
    public double Score { get; internal init; }
}
