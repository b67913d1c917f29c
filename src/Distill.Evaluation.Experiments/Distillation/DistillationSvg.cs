using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static Distill.Evaluation.LinePlot;

namespace Distill.Evaluation.Distillation;

/// <summary>Plots of -log10 p against evenly spaced x positions, one polyline per series.</summary>
internal static class DistillationSvg
{
    private static readonly string[] s_colors = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"];

    /// <summary>One line: a name, a value (-log10 p) per x position (NaN: no point), and whether it is dashed.</summary>
    public sealed record Series(string Name, IReadOnlyList<double> Values, bool Dashed);

    public static string Render(string title, string xLabel, IReadOnlyList<string> xTicks, IReadOnlyList<Series> series)
    {
        double max = series.SelectMany(x => x.Values).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double yMax = Math.Max(10, Math.Ceiling(max / 10) * 10);
        double[] x = [.. Enumerable.Range(0, xTicks.Count).Select(i => xTicks.Count == 1 ? (Left + Right) / 2 : Left + 20 + (i * (Right - Left - 40) / (xTicks.Count - 1)))];
        return LinePlot.Render(
            title,
            xLabel,
            string.Create(CultureInfo.InvariantCulture, $"-log10 p (capped at {yMax:G4})"),
            x,
            xTicks,
            [.. Enumerable.Range(0, 6).Select(i => yMax * i / 5).Select(v => (v, string.Create(CultureInfo.InvariantCulture, $"{v:G4}")))],
            v => Bottom - (Math.Min(v, yMax) / yMax * (Bottom - Top)),
            [new Level(3.0, "p = 1e-3", -3), new Level(5.0, "p = 1e-5", -3)],
            [.. series.Select(s => new Line(s.Name, s.Values, s.Dashed ? "6 3" : ""))],
            s_colors);
    }
}
