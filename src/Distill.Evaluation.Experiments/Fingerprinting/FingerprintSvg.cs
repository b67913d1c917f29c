using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static Distill.Evaluation.LinePlot;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>The plot of the fraction traced correctly against tokens (log axis), one line per registry.</summary>
internal static class FingerprintSvg
{
    private static readonly string[] s_colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    public static string Render(string title, IReadOnlyList<int> tokens, IReadOnlyList<(string Name, IReadOnlyList<double> Fractions)> lines)
    {
        double logMin = Math.Log10(tokens[0]), logMax = Math.Log10(Math.Max(tokens[^1], tokens[0] + 1));
        double[] x = [.. tokens.Select(n => Left + 10 + ((Math.Log10(n) - logMin) / (logMax - logMin) * (Right - Left - 20)))];
        return LinePlot.Render(
            title,
            "generated tokens (log scale)",
            "traced to the right tenant",
            x,
            [.. tokens.Select(n => n.ToString(CultureInfo.InvariantCulture))],
            [.. Enumerable.Range(0, 5).Select(i => (i / 4.0, string.Create(CultureInfo.InvariantCulture, $"{i * 25}%")))],
            fraction => Bottom - (fraction * (Bottom - Top)),
            [new Level(0.95, "95%", 14)], // the target: 95% at 300 tokens
            [.. lines.Select(l => new Line(l.Name, l.Fractions))],
            s_colors);
    }
}
