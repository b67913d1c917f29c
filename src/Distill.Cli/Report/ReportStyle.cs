namespace Distill.Cli.Report;

/// <summary>The report's inline style sheet: every kind of token has a colour and, for readers without colour, a line style of its own.</summary>
internal static class ReportStyle
{
    public const string Css = """
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem 2rem; color: #111; background: #fff; line-height: 1.45; }
        header nav ul, nav.pager ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
        h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #999; padding-bottom: 0.2rem; }
        table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
        th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
        caption { text-align: left; font-style: italic; padding-bottom: 0.3rem; }
        pre { background: #f4f4f4; padding: 0.5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        .verdict.positive { border-left: 0.4rem solid #1a7f37; padding-left: 0.5rem; }
        .verdict.negative { border-left: 0.4rem dashed #666; padding-left: 0.5rem; }
        tr.positive td:nth-child(3) { font-weight: bold; }
        .pages .page { display: none; }
        .pages .page:target, .pages:not(:has(.page:target)) .page:first-child { display: block; }
        article.document { border-top: 2px solid #666; margin-top: 1.5rem; }
        .heatmap { font-family: ui-monospace, monospace; white-space: pre-wrap; line-height: 2.1; border: 1px solid #ccc; padding: 0.5rem; }
        .tok { text-decoration-thickness: 2px; text-underline-offset: 3px; }
        .tok:empty::after { content: "\2205"; color: #666; }
        .tok-green { background: #b7e4c0; text-decoration-line: underline; text-decoration-style: solid; text-decoration-color: #0b5d1e; }
        .tok-red { background: #f6c4c4; text-decoration-line: underline; text-decoration-style: dotted; text-decoration-color: #8b1a1a; }
        .tok-scored.tok-high { text-decoration-line: underline; text-decoration-style: solid; text-decoration-color: #0b5d1e; }
        .tok-scored.tok-low { text-decoration-line: underline; text-decoration-style: dotted; text-decoration-color: #8b1a1a; }
        .tok-scored.tok-novalue { text-decoration-line: underline; text-decoration-style: dashed; text-decoration-color: #555; }
        .tok-repeated { color: #555; font-style: italic; text-decoration-line: underline; text-decoration-style: wavy; text-decoration-color: #777; }
        .tok-common { color: #555; text-decoration-line: underline; text-decoration-style: double; text-decoration-color: #777; }
        .tok-prefix { color: #555; text-decoration-line: overline; text-decoration-style: solid; text-decoration-color: #777; }
        mark.wm-span { background: transparent; outline: 2px solid #1f4fbf; outline-offset: 2px; }
        mark.wm-span::before { content: "\27E6 span " attr(data-start) "\2013" attr(data-end) ": "; font-weight: bold; color: #1f4fbf; }
        mark.wm-span::after { content: " \27E7"; font-weight: bold; color: #1f4fbf; }
        figure.plot svg { max-width: 100%; height: auto; border: 1px solid #ccc; }
        .plot-axis { stroke: #333; stroke-width: 1; } .plot-grid { stroke: #ddd; stroke-width: 1; }
        .plot-line { fill: none; stroke: #0b5d1e; stroke-width: 1.5; } .plot-zero { stroke: #8b1a1a; stroke-dasharray: 4 3; }
        .plot-span { fill: #1f4fbf; fill-opacity: 0.12; } .plot-label { font-size: 12px; fill: #111; }
        @media print { .pages .page { display: block; } }

        """;
}
