using System;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace Distill.Evaluation.Runner;

/// <summary>Hand-written SVG line plots: TPR against tokens on a log axis, one polyline per attack.</summary>
internal static class EvaluationSvg
{
    private const double Width = 820, Height = 440;
    private const double Left = 64, Right = 560, Top = 44, Bottom = 384;

    private static readonly string[] s_colors =
    [
        "#000000", "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a",
        "#d62728", "#ff9896", "#9467bd", "#c5b0d5", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    private static readonly string[] s_dashes = ["", "6 3", "2 2", "8 3 2 3"];

    public static string Render(SchemeEvaluation scheme, int alphaIndex, int generations)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        double alpha = EvaluationReport.Alphas[alphaIndex];
        int minLength = scheme.Lengths.Min(), maxLength = scheme.Lengths.Max();
        double logMin = Math.Log10(minLength), logMax = Math.Log10(Math.Max(maxLength, minLength + 1));
        double X(double tokens) => Left + ((Math.Log10(tokens) - logMin) / (logMax - logMin) * (Right - Left));
        double Y(double rate) => Bottom - (rate * (Bottom - Top));

        s.AppendLine(string.Create(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        s.AppendLine(string.Create(c, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{Left}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{Escape(scheme.Scheme.Name)}: TPR at p &lt;= {Alpha(alpha)} against tokens ({generations} generations per point)</text>"));

        // Grid, ticks and axes.
        for (int i = 0; i <= 4; i++)
        {
            double rate = i / 4.0, y = Y(rate);
            s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Right}\" y2=\"{y:F1}\" stroke=\"#dddddd\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{rate:F2}</text>"));
        }

        foreach (int length in scheme.Lengths)
        {
            double x = X(length);
            s.AppendLine(string.Create(c, $"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Bottom}\" stroke=\"#eeeeee\"/>"));
            s.AppendLine(string.Create(c, $"<line x1=\"{x:F1}\" y1=\"{Bottom}\" x2=\"{x:F1}\" y2=\"{Bottom + 5}\" stroke=\"#000000\"/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{x:F1}\" y=\"{Bottom + 18}\" text-anchor=\"middle\">{length}</text>"));
        }

        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Bottom}\" x2=\"{Right}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Bottom}\" stroke=\"#000000\"/>"));
        s.AppendLine(string.Create(c, $"<text x=\"{(Left + Right) / 2:F1}\" y=\"{Bottom + 40}\" text-anchor=\"middle\">tokens (log scale)</text>"));
        s.AppendLine(string.Create(c, $"<text x=\"16\" y=\"{(Top + Bottom) / 2:F1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Bottom) / 2:F1})\">TPR at p &lt;= {Alpha(alpha)}</text>"));

        // One polyline per attack, with markers at the measured points, and the legend.
        for (int r = 0; r < scheme.Rows.Count; r++)
        {
            AttackEvaluation row = scheme.Rows[r];
            string color = s_colors[r % s_colors.Length];
            string dash = s_dashes[(r / s_colors.Length) % s_dashes.Length];
            string dashAttribute = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
            EvaluationCell[] cells = [.. row.Cells.Where(cell => cell.Trials > 0)];
            string points = string.Join(' ', cells.Select(cell => string.Create(c, $"{X(cell.Tokens):F1},{Y(cell.TruePositiveRate(alphaIndex)):F1}")));
            s.AppendLine(string.Create(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"{dashAttribute} points=\"{points}\"/>"));
            foreach (EvaluationCell cell in cells)
            {
                s.AppendLine(string.Create(c, $"<circle cx=\"{X(cell.Tokens):F1}\" cy=\"{Y(cell.TruePositiveRate(alphaIndex)):F1}\" r=\"2.5\" fill=\"{color}\"/>"));
            }

            double ly = Top + 6 + (r * 20);
            s.AppendLine(string.Create(c, $"<line x1=\"{Right + 20}\" y1=\"{ly:F1}\" x2=\"{Right + 50}\" y2=\"{ly:F1}\" stroke=\"{color}\" stroke-width=\"1.8\"{dashAttribute}/>"));
            s.AppendLine(string.Create(c, $"<text x=\"{Right + 58}\" y=\"{ly + 4:F1}\">{Escape(row.Attack.Name)}</text>"));
        }

        s.AppendLine("</svg>");
        return s.ToString();
    }

    private static string Alpha(double alpha) => string.Create(CultureInfo.InvariantCulture, $"1e{Math.Log10(alpha):F0}");

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
