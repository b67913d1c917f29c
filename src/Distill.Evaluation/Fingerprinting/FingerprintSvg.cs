using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>A hand-written SVG plot of the fraction traced correctly against tokens (log axis), one line per registry.</summary>
internal static class FingerprintSvg
{
    private const double Width = 820, Height = 440;
    private const double Left = 64, Right = 560, Top = 44, Bottom = 384;

    private static readonly string[] s_colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    public static string Render(string title, IReadOnlyList<int> tokens, IReadOnlyList<(string Name, IReadOnlyList<double> Fractions)> lines)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        double logMin = Math.Log10(tokens[0]), logMax = Math.Log10(Math.Max(tokens[^1], tokens[0] + 1));
        double X(int n) => Left + 10 + ((Math.Log10(n) - logMin) / (logMax - logMin) * (Right - Left - 20));
        double Y(double fraction) => Bottom - (fraction * (Bottom - Top));

        s.AppendLine(string.Create(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        s.AppendLine(string.Create(c, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{Left}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>"));
        for (int i = 0; i <= 4; i++)
        {
            double y = Y(i / 4.0);
            s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Right}\" y2=\"{y:F1}\" stroke=\"#dddddd\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{i * 25}%</text>"));
        }

        // The target: 95% at 300 tokens.
        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Y(0.95):F1}\" x2=\"{Right}\" y2=\"{Y(0.95):F1}\" stroke=\"#d62728\" stroke-dasharray=\"3 3\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{Right - 4}\" y=\"{Y(0.95) + 14:F1}\" text-anchor=\"end\" fill=\"#d62728\">95%</text>"));
        foreach (int n in tokens)
        {
            s.AppendLine(string.Create(c, $"<line x1=\"{X(n):F1}\" y1=\"{Bottom}\" x2=\"{X(n):F1}\" y2=\"{Bottom + 5}\" stroke=\"#000000\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{X(n):F1}\" y=\"{Bottom + 18}\" text-anchor=\"middle\">{n}</text>"));
        }

        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Bottom}\" x2=\"{Right}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{(Left + Right) / 2:F1}\" y=\"{Bottom + 40}\" text-anchor=\"middle\">generated tokens (log scale)</text>"));
        s.AppendLine(string.Create(c, $"<text x=\"16\" y=\"{(Top + Bottom) / 2:F1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Bottom) / 2:F1})\">traced to the right tenant</text>"));
        for (int r = 0; r < lines.Count; r++)
        {
            (string name, IReadOnlyList<double> fractions) = lines[r];
            string color = s_colors[r % s_colors.Length];
            string points = string.Join(' ', tokens.Select((n, i) => string.Create(c, $"{X(n):F1},{Y(fractions[i]):F1}")));
            s.AppendLine(string.Create(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" points=\"{points}\"/>"));
            for (int i = 0; i < tokens.Count; i++)
            {
                s.AppendLine(string.Create(c, $"<circle cx=\"{X(tokens[i]):F1}\" cy=\"{Y(fractions[i]):F1}\" r=\"2.5\" fill=\"{color}\"/>"));
            }

            double ly = Top + 6 + (r * 20);
            s.AppendLine(string.Create(c, $"<line x1=\"{Right + 20}\" y1=\"{ly:F1}\" x2=\"{Right + 50}\" y2=\"{ly:F1}\" stroke=\"{color}\" stroke-width=\"1.8\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Right + 58}\" y=\"{ly + 4:F1}\">{Escape(name)}</text>"));
        }

        s.AppendLine("</svg>");
        return s.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
