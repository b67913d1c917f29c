using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Distill.Detection;

namespace Distill.Cli.Report;

/// <summary>One document in full: its figures, its spans, the score over position, and every token with its class.</summary>
internal static class ReportHeatMap
{
    private const int PlotWidth = 800, PlotHeight = 260, Left = 70, Right = 20, Top = 20, Bottom = 45, MaxPoints = 2000;

    public static void AppendDocument(StringBuilder s, int index, ReportDocument d)
    {
        TokenEvidence e = d.Evidence;
        s.Append(CultureInfo.InvariantCulture, $"<article class=\"document\" id=\"doc-{index}\" data-log10p=\"{Html.Number(d.Log10PValue)}\" data-tokens=\"{e.Kinds.Length}\" data-scored=\"{e.Result.ScoredTokens}\" data-green=\"{e.Result.GreenTokens}\">\n");
        s.Append("<h3>").Append(Html.Escape(d.Name)).Append("</h3>\n<p class=\"verdict ").Append(d.Significant ? "positive" : "negative").Append("\"><strong>")
            .Append(Html.Escape(d.Verdict)).Append("</strong></p>\n<table class=\"figures\"><tbody>\n");
        foreach (var (name, value) in d.Figures)
        {
            s.Append("<tr><th scope=\"row\">").Append(Html.Escape(name)).Append("</th><td>").Append(Html.Escape(value)).Append("</td></tr>\n");
        }

        s.Append("<tr><th scope=\"row\">Per-token evidence</th><td>").Append(Html.Escape(e.ValueName is { } v
            ? $"{v}; null mean {Html.Short(e.NullMean)}"
            : $"green or red; a token is green with probability gamma = {Html.Short(e.NullMean)} without the key")).Append("</td></tr>\n</tbody></table>\n");
        AppendSpans(s, d);
        AppendPlot(s, index, d);
        AppendTokens(s, d);
        s.Append("</article>\n");
    }

    private static void AppendSpans(StringBuilder s, ReportDocument d)
    {
        if (d.Spans.Count == 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"<p>No localized span (windows searched: {d.WindowsSearched}).</p>\n");
            return;
        }

        s.Append(CultureInfo.InvariantCulture, $"<table class=\"spans\"><caption>Localized spans, most significant first; p corrected for {d.WindowsSearched} windows searched.</caption>\n");
        s.Append("<thead><tr><th scope=\"col\">Tokens</th><th scope=\"col\">Characters</th><th scope=\"col\">Scored</th><th scope=\"col\">log<sub>10</sub> p</th><th scope=\"col\">p</th></tr></thead>\n<tbody>\n");
        foreach (DetectSpanOutput span in d.Spans)
        {
            s.Append(CultureInfo.InvariantCulture, $"<tr class=\"span-row\" data-start=\"{span.StartToken}\" data-end=\"{span.EndToken}\" data-log10p=\"{Html.Number(span.Log10PValue)}\"><td>{span.StartToken}&#8211;{span.EndToken}</td><td>")
                .Append(span.Start is { } start ? string.Create(CultureInfo.InvariantCulture, $"{start}&#8211;{span.End}") : "")
                .Append(CultureInfo.InvariantCulture, $"</td><td>{span.ScoredTokens}</td><td>{span.Log10PValue:F2}</td><td>{Html.Escape(DetectCommand.FormatP(span.Log10PValue))}</td></tr>\n");
        }

        s.Append("</tbody></table>\n");
    }

    /// <summary>Cumulative excess of the evidence over its null mean, against the token position.</summary>
    private static void AppendPlot(StringBuilder s, int index, ReportDocument d)
    {
        TokenEvidence e = d.Evidence;
        var points = new List<(int X, double Y)> { (0, 0.0) };
        double sum = 0.0;
        for (int i = 0; i < e.Kinds.Length; i++)
        {
            double? x = e.Kinds[i] switch
            {
                TokenScore.Green => 1.0,
                TokenScore.Red => 0.0,
                TokenScore.Scored when e.Values is { } values && !double.IsNaN(values[i]) => values[i],
                _ => null,
            };
            if (x is { } value)
            {
                sum += value - e.NullMean;
                points.Add((i + 1, sum));
            }
        }

        int n = Math.Max(1, e.Kinds.Length);
        double min = Math.Min(0.0, points.Min(p => p.Y)), max = Math.Max(0.0, points.Max(p => p.Y));
        if (max - min < 1e-9)
        {
            max = min + 1.0;
        }

        double w = PlotWidth - Left - Right, h = PlotHeight - Top - Bottom;
        string X(double x) => Html.Number(Math.Round(Left + (w * x / n), 2));
        string Y(double y) => Html.Number(Math.Round(Top + (h * (max - y) / (max - min)), 2));
        string id = $"plot-{index}";
        string yName = e.ValueName is null ? "cumulative green tokens minus gamma per scored token" : "cumulative value minus the null mean";
        s.Append(CultureInfo.InvariantCulture, $"<figure class=\"plot\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {PlotWidth} {PlotHeight}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" aria-labelledby=\"{id}-title {id}-desc\">");
        s.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">Score over position: {Html.Escape(d.Name)}</title>");
        s.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">The {Html.Escape(yName)} after each scored token, against the token position (0 to {e.Kinds.Length}). Without the key the line wanders around zero; a watermarked passage climbs. Shaded bands are the localized spans. Final value {Html.Short(sum)}.</desc>");
        foreach (DetectSpanOutput span in d.Spans)
        {
            s.Append(CultureInfo.InvariantCulture, $"<rect class=\"plot-span\" x=\"{X(span.StartToken)}\" y=\"{Top}\" width=\"{Html.Number(Math.Round(w * (span.EndToken - span.StartToken) / n, 2))}\" height=\"{h}\"/>");
        }

        for (int t = 0; t <= 4; t++)
        {
            double yv = min + ((max - min) * t / 4);
            double xv = (double)n * t / 4;
            s.Append(CultureInfo.InvariantCulture, $"<line class=\"plot-grid\" x1=\"{Left}\" x2=\"{PlotWidth - Right}\" y1=\"{Y(yv)}\" y2=\"{Y(yv)}\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text class=\"plot-label\" x=\"{Left - 6}\" y=\"{Y(yv)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{Html.Short(yv)}</text>");
            s.Append(CultureInfo.InvariantCulture, $"<text class=\"plot-label\" x=\"{X(xv)}\" y=\"{PlotHeight - Bottom + 16}\" text-anchor=\"middle\">{Math.Round(xv).ToString(CultureInfo.InvariantCulture)}</text>");
        }

        s.Append(CultureInfo.InvariantCulture, $"<line class=\"plot-zero\" x1=\"{Left}\" x2=\"{PlotWidth - Right}\" y1=\"{Y(0)}\" y2=\"{Y(0)}\"/>");
        s.Append(CultureInfo.InvariantCulture, $"<line class=\"plot-axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + h}\"/><line class=\"plot-axis\" x1=\"{Left}\" x2=\"{PlotWidth - Right}\" y1=\"{Top + h}\" y2=\"{Top + h}\"/>");
        int step = Math.Max(1, points.Count / MaxPoints);
        s.Append("<polyline class=\"plot-line\" points=\"");
        for (int i = 0; i < points.Count; i += step)
        {
            s.Append(X(points[i].X)).Append(',').Append(Y(points[i].Y)).Append(' ');
        }

        s.Append(X(points[^1].X)).Append(',').Append(Y(points[^1].Y)).Append("\"/>");
        s.Append(CultureInfo.InvariantCulture, $"<text class=\"plot-label\" x=\"{Left + (w / 2)}\" y=\"{PlotHeight - 8}\" text-anchor=\"middle\">token position</text>");
        s.Append(CultureInfo.InvariantCulture, $"<text class=\"plot-label\" transform=\"translate(14 {Top + (h / 2)}) rotate(-90)\" text-anchor=\"middle\">{Html.Escape(e.ValueName is null ? "green minus expected" : "value minus null mean")}</text>");
        s.Append("</svg><figcaption>Score over position: the ").Append(Html.Escape(yName)).Append(" (final ").Append(Html.Escape(Html.Short(sum))).Append(").</figcaption></figure>\n");
    }

    private static void AppendTokens(StringBuilder s, ReportDocument d)
    {
        TokenEvidence e = d.Evidence;
        ReportTokens t = d.Tokens;

        // The spans that do not overlap an earlier one are marked in the text (all are in the table above).
        var marks = new List<DetectSpanOutput>();
        foreach (DetectSpanOutput span in d.Spans.OrderBy(x => x.StartToken))
        {
            if (span.EndToken > span.StartToken && (marks.Count == 0 || span.StartToken >= marks[^1].EndToken))
            {
                marks.Add(span);
            }
        }

        s.Append("<h4>Tokens</h4>\n<div class=\"heatmap\" lang=\"\">");
        int next = 0;
        DetectSpanOutput? open = null;
        for (int i = 0; i < e.Kinds.Length; i++)
        {
            s.Append(Html.Escape(t.Before[i]));
            if (open is null && next < marks.Count && marks[next].StartToken == i)
            {
                open = marks[next++];
                s.Append(CultureInfo.InvariantCulture, $"<mark class=\"wm-span\" data-start=\"{open.StartToken}\" data-end=\"{open.EndToken}\" title=\"localized span, tokens {open.StartToken} to {open.EndToken}, p = {Html.Escape(DetectCommand.FormatP(open.Log10PValue))}\">");
            }

            double value = e.Values is { } values ? values[i] : double.NaN;
            var (cls, label) = ReportLegend.Of(e.Kinds[i], value, e.NullMean);
            s.Append(CultureInfo.InvariantCulture, $"<span class=\"tok {cls}\" data-i=\"{i}\"");
            if (e.Values is not null && !double.IsNaN(value))
            {
                s.Append(CultureInfo.InvariantCulture, $" data-value=\"{Html.Number(value)}\" style=\"{Shade(value, e.NullMean)}\" title=\"token {i}: {label}, value {Html.Short(value)} (null mean {Html.Short(e.NullMean)})\">");
            }
            else
            {
                s.Append(CultureInfo.InvariantCulture, $" title=\"token {i}: {label}\">");
            }

            s.Append(Html.Escape(t.Texts[i])).Append("</span>");
            if (open is not null && open.EndToken == i + 1)
            {
                s.Append("</mark>");
                open = null;
            }
        }

        if (open is not null)
        {
            s.Append("</mark>");
        }

        s.Append(Html.Escape(t.After)).Append("</div>\n");
    }

    /// <summary>A background from red (below the null mean) through white to green (above it), by how far the value lies from the mean relative to the mean.</summary>
    private static string Shade(double value, double nullMean)
    {
        double t = Math.Clamp((value - nullMean) / Math.Max(nullMean, 1e-9), -1.0, 1.0);
        double alpha = Math.Round(0.1 + (0.6 * Math.Abs(t)), 3);
        return t > 0
            ? string.Create(CultureInfo.InvariantCulture, $"background-color: rgba(26, 127, 55, {alpha})")
            : string.Create(CultureInfo.InvariantCulture, $"background-color: rgba(190, 40, 40, {alpha})");
    }
}
