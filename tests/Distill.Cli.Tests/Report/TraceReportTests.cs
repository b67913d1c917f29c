using System;
using System.IO;
using System.Linq;
using AngleSharp.Dom;

namespace Distill.Cli.Tests.Report;

/// <summary><c>distill trace --report</c>: per document the zero-bit layer's evidence, pooled the corpus and the ranking of the tenants.</summary>
public sealed class TraceReportTests(FingerprintCliFixture fixture) : CliTestBase("distill-cli-trace-report-"), IClassFixture<FingerprintCliFixture>
{
    [Fact]
    public void A_traced_document_shows_its_tenant_and_its_zero_bit_tokens()
    {
        string report = Path.Combine(Dir, "trace.html");
        var without = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, "--json");
        var with = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, "--json", "--report", report);
        Assert.Equal(without, with);
        IDocument dom = ReportFixture.Parse(File.ReadAllText(report));
        var articles = dom.QuerySelectorAll("article.document");
        Assert.Equal(4, articles.Length);
        Assert.All(articles, a => Assert.StartsWith("TENANT acme", a.QuerySelector(".verdict")!.TextContent, StringComparison.Ordinal));
        Assert.All(articles, a => Assert.Equal(a.GetAttribute("data-green"), a.QuerySelectorAll(".heatmap span.tok-green").Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(articles, a => Assert.Equal(a.GetAttribute("data-scored"), a.QuerySelectorAll(".heatmap span.tok-green, .heatmap span.tok-red").Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["profile", "tenant registry", "input"], dom.QuerySelectorAll("table.inputs tbody tr").Select(r => r.Children[0].TextContent));
    }

    [Fact]
    public void A_pooled_trace_shows_the_corpus_and_the_ranking_with_the_accused()
    {
        string report = Path.Combine(Dir, "pooled.html");
        var without = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, fixture.Globex, "--pooled");
        var with = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, fixture.Globex, "--pooled", "--report", report);
        Assert.Equal(without, with);
        IDocument dom = ReportFixture.Parse(File.ReadAllText(report));
        var corpus = dom.QuerySelectorAll("#corpus tbody tr").ToDictionary(r => r.Children[0].TextContent, r => r.Children[1].TextContent);
        Assert.Equal("8", corpus["Documents"]);
        var ranking = dom.QuerySelectorAll("#ranking tbody tr").Select(r => (Tenant: r.Children[1].TextContent, Accused: r.Children[5].TextContent)).ToList();
        Assert.NotEmpty(ranking);
        Assert.Equal(["acme", "globex"], ranking.Where(r => r.Accused == "ACCUSED").Select(r => r.Tenant).Order());
        Assert.StartsWith("ACCUSED", dom.QuerySelector("#verdict .verdict")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(dom.QuerySelectorAll("article.document"));
    }
}
