using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distill.Cli.Report;

/// <summary>
/// The evidence report of one run of <c>detect</c>, <c>trace</c> or <c>radioactivity</c>
/// (<c>--report FILE</c>): one self-contained HTML file, nothing loaded from elsewhere.
/// </summary>
/// <remarks>
/// Documents arrive one by one; every one gets a row of the summary (sorted by p-value, paged), and
/// only the <see cref="FullDocuments"/> most significant keep their per-token evidence, so a large
/// corpus costs the memory of those few.
/// </remarks>
internal sealed class EvidenceReport
{
    /// <summary>The documents shown in full by default.</summary>
    public const int DefaultFullDocuments = 20;

    /// <summary>The rows of one page of the summary table.</summary>
    public const int PageSize = 50;

    private readonly string _command;
    private readonly IReadOnlyList<string> _arguments;
    private readonly List<(string Role, string Path)> _inputs = [];
    private readonly List<SummaryRow> _rows = [];
    private readonly List<(int Index, ReportDocument Document)> _full = [];
    private readonly List<EvidenceTable> _tables = [];
    private SchemeDescriptor? _descriptor;
    private (string Text, bool Significant, double? Log10PValue)? _verdict;

    /// <summary>Creates a report of one run.</summary>
    /// <param name="command">The command (detect, trace, radioactivity).</param>
    /// <param name="arguments">The command's arguments as given, for the reproduce line.</param>
    /// <param name="fullDocuments">How many of the most significant documents are shown token by token.</param>
    public EvidenceReport(string command, IReadOnlyList<string> arguments, int fullDocuments = DefaultFullDocuments)
    {
        _command = command;
        _arguments = arguments;
        FullDocuments = fullDocuments;
    }

    /// <summary>Gets how many documents are shown in full.</summary>
    public int FullDocuments { get; }

    /// <summary>Records the descriptor the run scored under (never the key).</summary>
    public void SetDescriptor(SchemeDescriptor descriptor) => _descriptor = descriptor;

    /// <summary>Records an input file, hashed when the report is written ("-" is standard input, not hashed).</summary>
    public void AddInput(string role, string path) => _inputs.Add((role, path));

    /// <summary>Records the verdict of the whole run (a corpus test); without one the report counts the documents' verdicts.</summary>
    public void SetVerdict(string text, bool significant, double? log10PValue) => _verdict = (text, significant, log10PValue);

    /// <summary>Adds an evidence table (radioactivity's counts, a pooled trace's ranking).</summary>
    public void AddTable(string id, string heading, string caption, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        _tables.Add(new EvidenceTable(id, heading, caption, columns, [.. rows]));

    /// <summary>Adds a document: a summary row, and its evidence while it is among the most significant.</summary>
    public void AddDocument(ReportDocument document) =>
        AddDocument(document.Name, document.Verdict, document.Significant, document.Log10PValue, document.Evidence.Result.TokenCount, document.Evidence.Result.ScoredTokens, () => document);

    /// <summary>
    /// Adds a document: a summary row, and, while it is among the most significant, its evidence,
    /// which <paramref name="details"/> computes only then (so a large corpus is scored token by token
    /// only for the documents shown in full).
    /// </summary>
    public void AddDocument(string name, string verdict, bool significant, double log10PValue, long tokens, long scored, Func<ReportDocument> details)
    {
        int index = _rows.Count + 1;
        _rows.Add(new SummaryRow(index, name, verdict, significant, log10PValue, tokens, scored));

        // Ties keep the earlier documents.
        if (FullDocuments == 0 || (_full.Count >= FullDocuments && !(log10PValue < _full.Max(f => f.Document.Log10PValue))))
        {
            return;
        }

        _full.Add((index, details()));
        if (_full.Count > FullDocuments)
        {
            // Drop the least significant (the latest on ties).
            int worst = 0;
            for (int i = 1; i < _full.Count; i++)
            {
                if (_full[i].Document.Log10PValue >= _full[worst].Document.Log10PValue)
                {
                    worst = i;
                }
            }

            _full.RemoveAt(worst);
        }
    }

    /// <summary>Adds a document that could not be scored (its error), as a summary row.</summary>
    public void AddFailure(string name, string error) =>
        _rows.Add(new SummaryRow(_rows.Count + 1, name, "not scored: " + error, false, double.NaN, 0, 0));

    /// <summary>Renders the report.</summary>
    public string Render()
    {
        var s = new StringBuilder();
        string title = $"Distill evidence report: {_command}";
        s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        s.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.Append("<meta name=\"generator\" content=\"distill ").Append(Html.Escape(CliApp.ToolVersion)).Append("\">\n");
        s.Append("<title>").Append(Html.Escape(title)).Append("</title>\n<style>\n").Append(ReportStyle.Css).Append("</style>\n</head>\n<body>\n");
        s.Append("<header>\n<h1>").Append(Html.Escape(title)).Append("</h1>\n");
        AppendNavigation(s);
        s.Append("</header>\n<main>\n");
        AppendVerdict(s);
        AppendProvenance(s);
        ReportLegend.Append(s);
        foreach (EvidenceTable table in _tables)
        {
            table.Append(s);
        }

        if (_rows.Count > 0)
        {
            AppendSummary(s);
            AppendDocuments(s);
        }

        s.Append("</main>\n<footer><p>Written by distill ").Append(Html.Escape(CliApp.ToolVersion)).Append(". A small p-value says the text is consistent with the key; it does not say who wrote it.</p></footer>\n</body>\n</html>\n");
        return s.ToString();
    }

    /// <summary>The command line that reruns this run, each argument quoted for a POSIX shell where it needs it.</summary>
    internal static string ReproduceLine(string command, IReadOnlyList<string> arguments) =>
        string.Join(' ', new[] { "distill", command }.Concat(arguments).Select(ShellQuote));

    /// <summary>One argument quoted for a POSIX shell: as it is when it is plain, else in single quotes.</summary>
    internal static string ShellQuote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private IEnumerable<(string Id, string Label)> Sections()
    {
        yield return ("verdict", "Verdict");
        yield return ("provenance", "Provenance");
        yield return ("legend", "Legend");
        foreach (EvidenceTable table in _tables)
        {
            yield return (table.Id, table.Heading);
        }

        if (_rows.Count > 0)
        {
            yield return ("summary", "All documents");
            yield return ("documents", "Documents in full");
        }
    }

    private void AppendNavigation(StringBuilder s)
    {
        s.Append("<nav aria-label=\"Sections\"><ul>");
        foreach (var (id, label) in Sections())
        {
            s.Append("<li><a href=\"#").Append(id).Append("\">").Append(Html.Escape(label)).Append("</a></li>");
        }

        s.Append("</ul></nav>\n");
    }

    private void AppendVerdict(StringBuilder s)
    {
        s.Append("<section id=\"verdict\">\n<h2>Verdict</h2>\n");
        if (_verdict is { } v)
        {
            s.Append("<p class=\"verdict ").Append(v.Significant ? "positive" : "negative").Append("\"><strong>").Append(Html.Escape(v.Text)).Append("</strong></p>\n");
            if (v.Log10PValue is { } lp)
            {
                s.Append("<p>p = ").Append(Html.Escape(DetectCommand.FormatP(lp))).Append(" (log<sub>10</sub> p = ").Append(lp.ToString("F2", CultureInfo.InvariantCulture)).Append(")</p>\n");
            }
        }

        if (_rows.Count > 0)
        {
            int positive = _rows.Count(r => r.Significant);
            double best = _rows.Where(r => !double.IsNaN(r.Log10PValue)).Select(r => r.Log10PValue).DefaultIfEmpty(0.0).Min();
            s.Append("<p class=\"verdict ").Append(positive > 0 ? "positive" : "negative").Append("\"><strong>")
                .Append(CultureInfo.InvariantCulture, $"{positive} of {_rows.Count} document{(_rows.Count == 1 ? "" : "s")} significant")
                .Append("</strong>; smallest p = ").Append(Html.Escape(DetectCommand.FormatP(best)))
                .Append(" (log<sub>10</sub> p = ").Append(best.ToString("F2", CultureInfo.InvariantCulture)).Append(").</p>\n");
        }

        s.Append("<p>How the p-value is computed: under the null hypothesis (text written without this key) each scored token's evidence has a known distribution; the p-value is the probability of evidence at least as strong, computed exactly (binomial tail for green lists, gamma tail for Gumbel-type scores, exact or Chernoff-bounded tails for SynthID, a permutation test for EXP-edit). Localized spans are corrected (Bonferroni) for every window searched. See docs/statistics.md.</p>\n");
        s.Append("</section>\n");
    }

    private void AppendProvenance(StringBuilder s)
    {
        s.Append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n");
        s.Append("<dt>Tool version</dt><dd><code class=\"version\">").Append(Html.Escape(CliApp.ToolVersion)).Append("</code></dd>\n");
        s.Append("<dt>Reproduce</dt><dd><pre><code class=\"reproduce\">").Append(Html.Escape(ReproduceLine(_command, _arguments))).Append("</code></pre></dd>\n");
        if (_descriptor is { } d)
        {
            s.Append("<dt>Key id</dt><dd><code class=\"key-id\">").Append(Html.Escape(d.KeyId)).Append("</code> (the public id; the secret is never written)</dd>\n");
            s.Append("<dt>Descriptor hash</dt><dd><code>").Append(Html.Escape(d.Hash)).Append("</code></dd>\n");
        }

        s.Append("</dl>\n<h3>Inputs</h3>\n<table class=\"inputs\"><caption>Every input file and its SHA-256 at the time of the run.</caption>\n<thead><tr><th scope=\"col\">Role</th><th scope=\"col\">Path</th><th scope=\"col\">Bytes</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
        foreach (var (role, path) in _inputs)
        {
            var (bytes, hash) = Hash(path);
            s.Append("<tr><td>").Append(Html.Escape(role)).Append("</td><td><code>").Append(Html.Escape(path)).Append("</code></td><td>")
                .Append(Html.Escape(bytes)).Append("</td><td><code class=\"sha256\">").Append(Html.Escape(hash)).Append("</code></td></tr>\n");
        }

        s.Append("</tbody></table>\n");
        if (_descriptor is { } descriptor)
        {
            s.Append("<h3>Descriptor</h3>\n<pre><code class=\"descriptor\">")
                .Append(Html.Escape(JsonSerializer.Serialize(descriptor, DistillJsonContext.Default.SchemeDescriptor)))
                .Append("</code></pre>\n");
        }

        s.Append("</section>\n");
    }

    private static (string Bytes, string Hash) Hash(string path)
    {
        if (path == "-")
        {
            return ("", "standard input (not hashed)");
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
            byte[] hash = SHA256.HashData(stream);
            return (Html.Integer(stream.Length), Convert.ToHexStringLower(hash));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ("", "unreadable: " + CliApp.OneLine(ex.Message));
        }
    }

    private void AppendSummary(StringBuilder s)
    {
        List<SummaryRow> sorted = [.. _rows.OrderBy(r => double.IsNaN(r.Log10PValue) ? double.PositiveInfinity : r.Log10PValue).ThenBy(r => r.Index)];
        HashSet<int> full = [.. _full.Select(f => f.Index)];
        int pages = (sorted.Count + PageSize - 1) / PageSize;
        s.Append("<section id=\"summary\">\n<h2>All documents</h2>\n<p>")
            .Append(CultureInfo.InvariantCulture, $"{sorted.Count} documents, most significant first, in pages of {PageSize}; the {Math.Min(FullDocuments, sorted.Count)} most significant are shown token by token below.")
            .Append("</p>\n");
        if (pages > 1)
        {
            s.Append("<nav class=\"pager\" aria-label=\"Pages of the summary\"><ul>");
            for (int p = 1; p <= pages; p++)
            {
                s.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#page-{p}\">Page {p}</a></li>");
            }

            s.Append("</ul></nav>\n");
        }

        s.Append("<div class=\"pages\">\n");
        for (int p = 0; p < pages; p++)
        {
            s.Append(CultureInfo.InvariantCulture, $"<section class=\"page\" id=\"page-{p + 1}\">\n<h3>Page {p + 1} of {pages}</h3>\n");
            s.Append("<table class=\"summary\"><thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Document</th><th scope=\"col\">Verdict</th><th scope=\"col\">log<sub>10</sub> p</th><th scope=\"col\">p</th><th scope=\"col\">Tokens</th><th scope=\"col\">Scored</th></tr></thead>\n<tbody>\n");
            for (int i = p * PageSize; i < Math.Min(sorted.Count, (p + 1) * PageSize); i++)
            {
                SummaryRow r = sorted[i];
                string name = Html.Escape(r.Name);
                s.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(r.Significant ? "positive" : "negative")}\" data-log10p=\"{Html.Number(r.Log10PValue)}\"><td>{i + 1}</td><td>")
                    .Append(full.Contains(r.Index) ? $"<a href=\"#doc-{r.Index}\">{name}</a>" : name)
                    .Append("</td><td>").Append(r.Significant ? "<strong>&#10004; " : "").Append(Html.Escape(r.Verdict)).Append(r.Significant ? "</strong>" : "")
                    .Append("</td><td>").Append(double.IsNaN(r.Log10PValue) ? "" : r.Log10PValue.ToString("F2", CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(double.IsNaN(r.Log10PValue) ? "" : Html.Escape(DetectCommand.FormatP(r.Log10PValue)))
                    .Append("</td><td>").Append(Html.Integer(r.Tokens)).Append("</td><td>").Append(Html.Integer(r.Scored)).Append("</td></tr>\n");
            }

            s.Append("</tbody></table>\n</section>\n");
        }

        s.Append("</div>\n</section>\n");
    }

    private void AppendDocuments(StringBuilder s)
    {
        s.Append("<section id=\"documents\">\n<h2>Documents in full</h2>\n");
        foreach (var (index, document) in _full.OrderBy(f => f.Document.Log10PValue).ThenBy(f => f.Index))
        {
            ReportHeatMap.AppendDocument(s, index, document);
        }

        s.Append("</section>\n");
    }

    private sealed record SummaryRow(int Index, string Name, string Verdict, bool Significant, double Log10PValue, long Tokens, long Scored);

    private sealed record EvidenceTable(string Id, string Heading, string Caption, IReadOnlyList<string> Columns, List<IReadOnlyList<string>> Rows)
    {
        public void Append(StringBuilder s)
        {
            s.Append("<section id=\"").Append(Html.Escape(Id)).Append("\">\n<h2>").Append(Html.Escape(Heading)).Append("</h2>\n<table class=\"evidence\"><caption>")
                .Append(Html.Escape(Caption)).Append("</caption>\n<thead><tr>");
            foreach (string column in Columns)
            {
                s.Append("<th scope=\"col\">").Append(Html.Escape(column)).Append("</th>");
            }

            s.Append("</tr></thead>\n<tbody>\n");
            foreach (IReadOnlyList<string> row in Rows)
            {
                s.Append("<tr>");
                foreach (string cell in row)
                {
                    s.Append("<td>").Append(Html.Escape(cell)).Append("</td>");
                }

                s.Append("</tr>\n");
            }

            s.Append("</tbody></table>\n</section>\n");
        }
    }
}
