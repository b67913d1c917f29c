using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace Distill.Evaluation;

/// <summary>
/// A hand-written SVG line plot (820 x 440, legend on the right): grid lines at the y ticks, dashed
/// red reference levels, x ticks, both axes and their labels, and one polyline with dots per line
/// (non-finite values are left out). The experiments' plots differ only in their axes and levels.
/// </summary>
internal static class LinePlot
{
    internal const double Left = 64, Right = 560, Top = 44, Bottom = 384;

    private const double Width = 820, Height = 440;

    /// <summary>One polyline: its legend name, a value per x position, and its SVG dash pattern ("" for solid).</summary>
    public sealed record Line(string Name, IReadOnlyList<double> Values, string Dash = "");

    /// <summary>A reference level: its value, its label, and the label's offset from the line (pixels, down positive).</summary>
    public sealed record Level(double Value, string Label, double LabelOffset);

    /// <summary>Renders the plot; <paramref name="y"/> maps a value to its pixel row.</summary>
    public static string Render(
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<double> xPositions,
        IReadOnlyList<string> xTicks,
        IReadOnlyList<(double Value, string Label)> yTicks,
        Func<double, double> y,
        IReadOnlyList<Level> levels,
        IReadOnlyList<Line> lines,
        IReadOnlyList<string> colors)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(string.Create(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        s.AppendLine(string.Create(c, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{Left}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>"));
        foreach ((double value, string label) in yTicks)
        {
            double row = y(value);
            s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{row:F1}\" x2=\"{Right}\" y2=\"{row:F1}\" stroke=\"#dddddd\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Left - 8}\" y=\"{row + 4:F1}\" text-anchor=\"end\">{Escape(label)}</text>"));
        }

        foreach (Level level in levels)
        {
            double row = y(level.Value);
            s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{row:F1}\" x2=\"{Right}\" y2=\"{row:F1}\" stroke=\"#d62728\" stroke-dasharray=\"3 3\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Right - 4}\" y=\"{row + level.LabelOffset:F1}\" text-anchor=\"end\" fill=\"#d62728\">{Escape(level.Label)}</text>"));
        }

        for (int i = 0; i < xTicks.Count; i++)
        {
            s.AppendLine(string.Create(c, $"<line x1=\"{xPositions[i]:F1}\" y1=\"{Bottom}\" x2=\"{xPositions[i]:F1}\" y2=\"{Bottom + 5}\" stroke=\"#000000\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{xPositions[i]:F1}\" y=\"{Bottom + 18}\" text-anchor=\"middle\">{Escape(xTicks[i])}</text>"));
        }

        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Bottom}\" x2=\"{Right}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{(Left + Right) / 2:F1}\" y=\"{Bottom + 40}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        s.AppendLine(string.Create(c, $"<text x=\"16\" y=\"{(Top + Bottom) / 2:F1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Bottom) / 2:F1})\">{Escape(yLabel)}</text>"));
        for (int r = 0; r < lines.Count; r++)
        {
            Line line = lines[r];
            string color = colors[r % colors.Count];
            string dash = line.Dash.Length == 0 ? "" : $" stroke-dasharray=\"{line.Dash}\"";
            int[] at = [.. Enumerable.Range(0, Math.Min(line.Values.Count, xPositions.Count)).Where(i => double.IsFinite(line.Values[i]))];
            string points = string.Join(' ', at.Select(i => string.Create(c, $"{xPositions[i]:F1},{y(line.Values[i]):F1}")));
            s.AppendLine(string.Create(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"{dash} points=\"{points}\"/>"));
            foreach (int i in at)
            {
                s.AppendLine(string.Create(c, $"<circle cx=\"{xPositions[i]:F1}\" cy=\"{y(line.Values[i]):F1}\" r=\"2.5\" fill=\"{color}\"/>"));
            }

            double legend = Top + 6 + (r * 20);
            s.AppendLine(string.Create(c, $"<line x1=\"{Right + 20}\" y1=\"{legend:F1}\" x2=\"{Right + 50}\" y2=\"{legend:F1}\" stroke=\"{color}\" stroke-width=\"1.8\"{dash}/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Right + 58}\" y=\"{legend + 4:F1}\">{Escape(line.Name)}</text>"));
        }

        s.AppendLine("</svg>");
        return s.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
