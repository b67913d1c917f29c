namespace Distill.Detection;

/// <summary>A run of tokens in which the watermark is significant after correction for the search.</summary>
/// <param name="Start">The index of the span's first token in the stream.</param>
/// <param name="End">The index one past the span's last token.</param>
/// <param name="ScoredTokens">The number of scored tokens in the window tested.</param>
/// <param name="GreenTokens">The number of green tokens in the window tested (0 for schemes without green lists).</param>
/// <param name="Log10PValue">The base-10 logarithm of the p-value corrected for every window searched (Bonferroni): valid after the search.</param>
/// <param name="Log10PValueUncorrected">The base-10 logarithm of the window's own p-value, before correction.</param>
public sealed record WatermarkedSpan(int Start, int End, long ScoredTokens, long GreenTokens, double Log10PValue, double Log10PValueUncorrected)
{
    /// <summary>Gets the corrected p-value (underflows to 0 where <see cref="Log10PValue"/> stays exact).</summary>
    public double PValue => System.Math.Pow(10.0, Log10PValue);

    /// <summary>Gets the window's test statistic: the green count for green lists, the window's summed score otherwise.</summary>
    public double Score { get; init; } = GreenTokens;
}
