using System.Collections.Generic;
using System.Text;
using Distill.Detection;

namespace Distill.Cli.Report;

/// <summary>What each token class means, in words: the legend and the tokens' title attributes share it.</summary>
internal static class ReportLegend
{
    /// <summary>The classes of the token kinds, with a label and what they mean.</summary>
    public static IReadOnlyList<(string Class, string Label, string Marker, string Meaning)> Entries { get; } =
    [
        ("tok-green", "green", "solid underline", "Scored, and in the key's green list: evidence for the key."),
        ("tok-red", "red", "dotted underline", "Scored, and not in the green list."),
        ("tok-scored tok-high", "scored, above the null mean", "solid underline", "Scored by a score-based scheme (Gumbel, SynthID, EXP-edit, vLLM); its value is above what text without the key gives on average. The darker the shade, the stronger."),
        ("tok-scored tok-low", "scored, at or below the null mean", "dotted underline", "Scored by a score-based scheme; its value is at or below the null mean."),
        ("tok-scored tok-novalue", "scored, no value of its own", "dashed underline", "Scored (it counts in n), but its evidence was already read by an earlier token (hf-synthid's first reads)."),
        ("tok-repeated", "not scored: repeated", "italic, wavy underline", "Its (context, token) pair was scored earlier in the text (deduplication), or its context was masked."),
        ("tok-common", "not scored: common", "double underline", "Its (context, token) pair is common in public reference text, so it is left out (reference filter)."),
        ("tok-prefix", "not scored: prefix", "overline", "One of the leading tokens without a full context."),
    ];

    /// <summary>The class and the label of a token.</summary>
    public static (string Class, string Label) Of(TokenScore kind, double value, double nullMean) => kind switch
    {
        TokenScore.Green => ("tok-green", "green"),
        TokenScore.Red => ("tok-red", "red"),
        TokenScore.Repeated => ("tok-repeated", "not scored: repeated"),
        TokenScore.Common => ("tok-common", "not scored: common"),
        TokenScore.Prefix => ("tok-prefix", "not scored: prefix"),
        _ when double.IsNaN(value) => ("tok-scored tok-novalue", "scored, no value of its own"),
        _ when value > nullMean => ("tok-scored tok-high", "scored, above the null mean"),
        _ => ("tok-scored tok-low", "scored, at or below the null mean"),
    };

    /// <summary>Appends the legend section.</summary>
    public static void Append(StringBuilder s)
    {
        s.Append("<section id=\"legend\">\n<h2>Legend</h2>\n<table class=\"legend\"><caption>Each token of a document is one element with one of these classes; its title repeats the label, and the line style tells the kinds apart without colour.</caption>\n");
        s.Append("<thead><tr><th scope=\"col\">Sample</th><th scope=\"col\">Label</th><th scope=\"col\">Marker</th><th scope=\"col\">Meaning</th></tr></thead>\n<tbody>\n");
        foreach (var (cls, label, marker, meaning) in Entries)
        {
            s.Append("<tr data-class=\"").Append(cls).Append("\"><td><span class=\"tok ").Append(cls).Append("\" title=\"").Append(Html.Escape(label)).Append("\">token</span></td><td>")
                .Append(Html.Escape(label)).Append("</td><td>").Append(Html.Escape(marker)).Append("</td><td>").Append(Html.Escape(meaning)).Append("</td></tr>\n");
        }

        s.Append("<tr data-class=\"wm-span\"><td><mark class=\"wm-span\" data-start=\"i\" data-end=\"j\">tokens</mark></td><td>localized span</td><td>bracketed and outlined, with its token range</td><td>A window the localizer found significant, its p-value corrected for every window searched.</td></tr>\n");
        s.Append("</tbody></table>\n</section>\n");
    }
}
