using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AngleSharp.Dom;
using Distill.Cli.Report;
using Distill.Detection;

namespace Distill.Cli.Tests.Report;

/// <summary>The HTML evidence report of <c>--report FILE</c>, read as a browser parses it (no browser needed).</summary>
public sealed class EvidenceReportTests(ReportFixture fixture) : CliTestBase("distill-cli-report-html-"), IClassFixture<ReportFixture>
{
    private string Path(string name) => System.IO.Path.Combine(fixture.Dir, name);

    [Fact]
    public void Every_token_has_the_class_of_its_kind_and_the_spans_are_the_detectors()
    {
        string report = Path("detect-mixed.html");
        Assert.Equal(0, Run("detect", "--key", fixture.Key, fixture.Mixed, "--report", report).Code);
        IDocument dom = ReportFixture.Parse(File.ReadAllText(report));
        Assert.Equal(3, dom.QuerySelectorAll("article.document").Length);
        ReportFixture.AssertDocumentsMatchDetector(dom, fixture.Key, fixture.Mixed);

        // The pasted passage is found as a span, and the plain document scores red as often as gamma says, not green.
        Assert.NotEmpty(dom.QuerySelectorAll("article.document tr.span-row"));
        Assert.Contains(dom.QuerySelectorAll(".heatmap span.tok"), t => t.ClassList.Contains("tok-red"));
        Assert.Contains(dom.QuerySelectorAll(".heatmap span.tok"), t => t.ClassList.Contains("tok-green"));
    }

    [Fact]
    public void Hostile_text_and_ids_are_escaped_and_nothing_can_run_or_load()
    {
        string report = Path("detect-hostile.html");
        Assert.Equal(0, Run("detect", "--key", fixture.Key, fixture.Mixed, "--report", report).Code);
        string html = File.ReadAllText(report);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u0001", html, StringComparison.Ordinal);
        IDocument dom = ReportFixture.Parse(html);
        Assert.Empty(dom.QuerySelectorAll("script, img, iframe, object, embed, link, base"));
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; img-src data:", dom.QuerySelector("meta[http-equiv='Content-Security-Policy']")!.GetAttribute("content"));

        // The hostile id is a document's heading, as text; the hostile passage is in the tokens' text.
        string expectedName = ReportFixture.Hostile.Replace("\u0001", "\uFFFD", StringComparison.Ordinal);
        Assert.Contains(dom.QuerySelectorAll("article.document h3"), h => h.TextContent == expectedName);
        Assert.Contains("<script>alert('pwned')</script>", dom.QuerySelector("#documents")!.TextContent, StringComparison.Ordinal);

        // No attribute reaches outside the file.
        Assert.DoesNotContain(dom.All.SelectMany(e => e.Attributes), a => a.Name is "src" or "href" && !a.Value.StartsWith('#'));
    }

    [Fact]
    public void The_key_secret_never_appears_but_the_key_id_descriptor_version_hashes_and_command_do()
    {
        string report = Path("detect-provenance.html");
        Assert.Equal(0, Run("detect", "--key", fixture.Key, fixture.Marked, "--report", report, "--alpha", "1e-4").Code);
        string html = File.ReadAllText(report);
        WatermarkProfile profile = WatermarkProfile.Load(fixture.Key);
        byte[] secret = profile.Key.ToBytes();
        Assert.DoesNotContain(profile.Key.ToBase64(), html, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(secret), html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(secret).TrimEnd('='), html, StringComparison.Ordinal);

        IDocument dom = ReportFixture.Parse(html);
        Assert.Equal(profile.Descriptor.KeyId, dom.QuerySelector("code.key-id")!.TextContent);
        Assert.Contains($"\"keyId\": \"{profile.Descriptor.KeyId}\"", dom.QuerySelector("code.descriptor")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(CliApp.ToolVersion, dom.QuerySelector("code.version")!.TextContent);
        Assert.NotEqual("unknown", CliApp.ToolVersion);
        Assert.Equal($"distill detect --key {fixture.Key} {fixture.Marked} --report {report} --alpha 1e-4", dom.QuerySelector("code.reproduce")!.TextContent);
        string[] hashes = [.. dom.QuerySelectorAll("code.sha256").Select(c => c.TextContent)];
        Assert.Equal([Sha256(fixture.Key), Sha256(fixture.Marked)], hashes);
        Assert.NotEmpty(dom.QuerySelectorAll("#legend tr[data-class='tok-green'], #legend tr[data-class='tok-red'], #legend tr[data-class='tok-prefix']"));
    }

    [Fact]
    public void Writing_a_report_changes_neither_the_output_nor_the_exit_code()
    {
        foreach (string[] extra in new[] { Array.Empty<string>(), ["--json"] })
        {
            var without = Run(["detect", "--key", fixture.Key, fixture.Mixed, .. extra]);
            var with = Run(["detect", "--key", fixture.Key, fixture.Mixed, "--report", Path("same.html"), .. extra]);
            Assert.Equal(without, with);
        }

        var radioactivity = Run("radioactivity", "--key", fixture.Key, "--suspect", fixture.Marked, "--json");
        Assert.Equal(radioactivity, Run("radioactivity", "--key", fixture.Key, "--suspect", fixture.Marked, "--json", "--report", Path("same-radioactivity.html")));

        // A document that cannot be scored keeps its exit code (1), and appears in the summary.
        string bad = Path("bad.jsonl");
        File.WriteAllLines(bad, ["{\"id\": \"too-big\", \"ids\": [999999999]}", "{\"id\": \"ok\", \"ids\": [1, 2, 3, 4, 5]}"]);
        var failed = Run("detect", "--key", fixture.Key, bad);
        Assert.Equal(1, failed.Code);
        Assert.Equal(failed, Run("detect", "--key", fixture.Key, bad, "--report", Path("bad.html")));
        IDocument dom = ReportFixture.Parse(File.ReadAllText(Path("bad.html")));
        Assert.Equal(2, dom.QuerySelectorAll("table.summary tbody tr").Length);
        Assert.Equal(5, dom.QuerySelectorAll(".heatmap span.tok").Length);
    }

    [Fact]
    public void An_unwritable_report_path_is_refused_before_any_work()
    {
        string missing = Path(System.IO.Path.Combine("no-such-folder", "r.html"));
        var (code, output, err) = Run("detect", "--key", fixture.Key, fixture.Marked, "--report", missing);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains("does not exist", err, StringComparison.Ordinal);

        (code, output, err) = Run("radioactivity", "--key", fixture.Key, "--suspect", fixture.Marked, "--report", fixture.Dir);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains("is a directory", err, StringComparison.Ordinal);

        (code, _, err) = Run("trace", "--key", fixture.Key, fixture.Marked, "--report", "-");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--report needs a file path", err, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void Score_based_schemes_shade_each_scored_token_by_its_value()
    {
        string report = Path("gumbel.html");
        Assert.Equal(0, Run("detect", "--key", fixture.GumbelKey, fixture.GumbelMarked, "--report", report).Code);
        IDocument dom = ReportFixture.Parse(File.ReadAllText(report));
        ReportFixture.AssertDocumentsMatchDetector(dom, fixture.GumbelKey, fixture.GumbelMarked);
        var scored = dom.QuerySelectorAll(".heatmap span.tok-scored");
        Assert.NotEmpty(scored);
        Assert.All(scored, t => Assert.True(double.Parse(t.GetAttribute("data-value")!, System.Globalization.CultureInfo.InvariantCulture) >= 0));
        Assert.All(scored, t => Assert.StartsWith("background-color: rgba(", t.GetAttribute("style"), StringComparison.Ordinal));
        Assert.Contains("null mean 1", dom.QuerySelector("article.document table.figures")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(dom.QuerySelectorAll(".heatmap span.tok-green, .heatmap span.tok-red"));
    }

    [Fact]
    public void A_large_corpus_gets_a_sorted_paged_summary_and_only_the_top_documents_in_full()
    {
        WatermarkScheme scheme = ProfileContext.Load(fixture.Key).Scheme;
        var report = new EvidenceReport("detect", ["--key", "k"], fullDocuments: 5);
        var random = new Random(5);
        for (int i = 0; i < 120; i++)
        {
            // Every tenth document is watermarked.
            int[] ids = i % 10 == 3 ? TestSample(scheme, random, 80) : [.. Enumerable.Range(0, 80).Select(_ => random.Next(scheme.VocabularySize))];
            TokenEvidence e = scheme.ScoreEachToken(ids);
            report.AddDocument(new ReportDocument($"doc-{i}", "verdict", e.Result.Log10PValue < -6, e.Result.Log10PValue, [], e, ReportTokens.FromIds(ids), [], 0));
        }

        IDocument dom = ReportFixture.Parse(report.Render());
        Assert.Equal(["page-1", "page-2", "page-3"], dom.QuerySelectorAll("section.page").Select(s => s.Id!));
        Assert.Equal(["#page-1", "#page-2", "#page-3"], dom.QuerySelectorAll("nav.pager a").Select(a => a.GetAttribute("href")!));
        var rows = dom.QuerySelectorAll("table.summary tbody tr");
        Assert.Equal(120, rows.Length);
        Assert.Equal(50, dom.QuerySelector("#page-1")!.QuerySelectorAll("tbody tr").Length);
        double[] ps = [.. rows.Select(r => double.Parse(r.GetAttribute("data-log10p")!, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(ps.Order(), ps);

        // The five most significant are in full, linked from their rows; the watermarked ones lead.
        var articles = dom.QuerySelectorAll("article.document");
        Assert.Equal(5, articles.Length);
        Assert.All(articles, a => Assert.Equal(3, int.Parse(a.QuerySelector("h3")!.TextContent[4..], System.Globalization.CultureInfo.InvariantCulture) % 10));
        Assert.Equal(articles.Select(a => "#" + a.Id), rows.Take(5).Select(r => r.QuerySelector("a")!.GetAttribute("href")!));
        Assert.Null(rows[5].QuerySelector("a"));
    }

    [Fact]
    public void Only_the_documents_shown_in_full_are_scored_token_by_token()
    {
        WatermarkScheme scheme = ProfileContext.Load(fixture.Key).Scheme;
        int[] ids = [.. Enumerable.Range(1, 20)];
        TokenEvidence e = scheme.ScoreEachToken(ids);
        var report = new EvidenceReport("detect", [], fullDocuments: 2);
        var computed = new List<string>();
        foreach (var (name, p) in new[] { ("a", -1.0), ("b", -5.0), ("c", -3.0), ("d", -10.0), ("e", -2.0), ("f", -5.0) })
        {
            report.AddDocument(name, "verdict", false, p, 20, 20, () =>
            {
                computed.Add(name);
                return new ReportDocument(name, "verdict", false, p, [], e, ReportTokens.FromIds(ids), [], 0);
            });
        }

        // e is less significant than the two kept (b, d), and f ties b, the earlier, so neither is scored.
        Assert.Equal(["a", "b", "c", "d"], computed);
        IDocument dom = ReportFixture.Parse(report.Render());
        Assert.Equal(["d", "b"], dom.QuerySelectorAll("article.document h3").Select(h => h.TextContent));
        Assert.Equal(6, dom.QuerySelectorAll("table.summary tbody tr").Length);
    }

    [Fact]
    public void Radioactivity_and_pooled_trace_reports_carry_their_evidence_tables()
    {
        string report = Path("radioactivity.html");
        Assert.Equal(0, Run("radioactivity", "--key", fixture.Key, "--suspect", fixture.Marked, "--prompts", fixture.Prompts, "--report", report).Code);
        IDocument dom = ReportFixture.Parse(File.ReadAllText(report));
        var cells = dom.QuerySelectorAll("#radioactivity table.evidence tbody tr").ToDictionary(r => r.Children[0].TextContent, r => r.Children[1].TextContent);
        Assert.Equal("closed model, unsupervised", cells["Setting"]);
        Assert.True(long.Parse(cells["Scored"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Not scored: context in a prompt (excluded)", cells.Keys);
        Assert.StartsWith("RADIOACTIVE", dom.QuerySelector("#verdict .verdict")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["profile", "suspect outputs", "prompts"], dom.QuerySelectorAll("table.inputs tbody tr").Select(r => r.Children[0].TextContent));
    }

    [Fact]
    public void Arguments_are_quoted_for_a_shell_only_where_they_need_it()
    {
        Assert.Equal("distill detect --key k.json 'my file.txt' 'it'\\''s' '' '$(rm -rf x)'", EvidenceReport.ReproduceLine("detect", ["--key", "k.json", "my file.txt", "it's", "", "$(rm -rf x)"]));
        Assert.Equal("&lt;/span&gt;&lt;script&gt;&amp;&quot;&#39;\uFFFD", Html.Escape("</span><script>&\"'\u0002"));
    }

    private static int[] TestSample(WatermarkScheme scheme, Random random, int count)
    {
        WatermarkSession session = scheme.CreateSession([]);
        var logits = new float[scheme.VocabularySize];
        var tokens = new List<int>();
        for (int i = 0; i < count; i++)
        {
            for (int v = 0; v < logits.Length; v++)
            {
                logits[v] = (float)(random.NextDouble() * 2.0);
            }

            session.ProcessLogits(logits);
            int best = Array.IndexOf(logits, logits.Max());
            session.Accept(best);
            tokens.Add(best);
        }

        return [.. tokens];
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
