using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace Distill.Evaluation.Distillation;

/// <summary>Hand-written SVG line plots of -log10 p against evenly spaced x positions, one polyline per series.</summary>
internal static class DistillationSvg
{
    private const double Width = 820, Height = 440;
    private const double Left = 64, Right = 560, Top = 44, Bottom = 384;

    private static readonly string[] s_colors = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"];

    /// <summary>One line: a name, a value (-log10 p) per x position (NaN: no point), and whether it is dashed.</summary>
    public sealed record Series(string Name, IReadOnlyList<double> Values, bool Dashed);

    public static string Render(string title, string xLabel, IReadOnlyList<string> xTicks, IReadOnlyList<Series> series)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        double max = series.SelectMany(x => x.Values).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double yMax = Math.Max(10, Math.Ceiling(max / 10) * 10);
        double X(int i) => xTicks.Count == 1 ? (Left + Right) / 2 : Left + 20 + (i * (Right - Left - 40) / (xTicks.Count - 1));
        double Y(double v) => Bottom - (Math.Min(v, yMax) / yMax * (Bottom - Top));

        s.AppendLine(string.Create(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        s.AppendLine(string.Create(c, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{Left}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>"));
        for (int i = 0; i <= 5; i++)
        {
            double v = yMax * i / 5, y = Y(v);
            s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Right}\" y2=\"{y:F1}\" stroke=\"#dddddd\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{v:G4}</text>"));
        }

        // The levels p = 1e-3 and p = 1e-5.
        foreach (double level in new[] { 3.0, 5.0 })
        {
            s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Y(level):F1}\" x2=\"{Right}\" y2=\"{Y(level):F1}\" stroke=\"#d62728\" stroke-dasharray=\"3 3\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Right - 4}\" y=\"{Y(level) - 3:F1}\" text-anchor=\"end\" fill=\"#d62728\">p = 1e-{level:F0}</text>"));
        }

        for (int i = 0; i < xTicks.Count; i++)
        {
            s.AppendLine(string.Create(c, $"<line x1=\"{X(i):F1}\" y1=\"{Bottom}\" x2=\"{X(i):F1}\" y2=\"{Bottom + 5}\" stroke=\"#000000\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{X(i):F1}\" y=\"{Bottom + 18}\" text-anchor=\"middle\">{Escape(xTicks[i])}</text>"));
        }

        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Bottom}\" x2=\"{Right}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{(Left + Right) / 2:F1}\" y=\"{Bottom + 40}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        s.AppendLine(string.Create(c, $"<text x=\"16\" y=\"{(Top + Bottom) / 2:F1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Bottom) / 2:F1})\">-log10 p (capped at {yMax:G4})</text>"));
        for (int r = 0; r < series.Count; r++)
        {
            Series line = series[r];
            string color = s_colors[r % s_colors.Length];
            string dash = line.Dashed ? " stroke-dasharray=\"6 3\"" : "";
            int[] at = [.. Enumerable.Range(0, Math.Min(line.Values.Count, xTicks.Count)).Where(i => double.IsFinite(line.Values[i]))];
            string points = string.Join(' ', at.Select(i => string.Create(c, $"{X(i):F1},{Y(line.Values[i]):F1}")));
            s.AppendLine(string.Create(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"{dash} points=\"{points}\"/>"));
            foreach (int i in at)
            {
                s.AppendLine(string.Create(c, $"<circle cx=\"{X(i):F1}\" cy=\"{Y(line.Values[i]):F1}\" r=\"2.5\" fill=\"{color}\"/>"));
            }

            double ly = Top + 6 + (r * 20);
            s.AppendLine(string.Create(c, $"<line x1=\"{Right + 20}\" y1=\"{ly:F1}\" x2=\"{Right + 50}\" y2=\"{ly:F1}\" stroke=\"{color}\" stroke-width=\"1.8\"{dash}/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Right + 58}\" y=\"{ly + 4:F1}\">{Escape(line.Name)}</text>"));
        }

        s.AppendLine("</svg>");
        return s.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
