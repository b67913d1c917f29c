using System;
using System.IO;
using AngleSharp.Dom;

namespace Distill.Cli.Tests.Report;

/// <summary>
/// The evidence report as a real browser renders it: Debian's headless Chromium loads the file, and
/// the tests read the DOM it dumps, the requests its net log records, and a screenshot (written to
/// the test output folder, report-screenshots/).
/// </summary>
public sealed class ReportChromiumTests(ReportFixture fixture) : CliTestBase("distill-cli-report-chromium-"), IClassFixture<ReportFixture>
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "report-screenshots");

    [ChromiumFact]
    public void Chromium_renders_every_scored_token_with_its_class_and_the_detectors_spans_and_makes_no_request()
    {
        string report = Path.Combine(fixture.Dir, "chromium-detect.html");
        Assert.Equal(0, Run("detect", "--key", fixture.Key, fixture.Mixed, "--report", report).Code);
        string netLog = Path.Combine(fixture.Dir, "chromium-detect.netlog.json");
        IDocument dom = ReportFixture.Parse(HeadlessChromium.DumpDom(report, netLog));

        // The browser built the page we wrote: every document, every token with its class, the spans of the detector.
        Assert.Equal(3, dom.QuerySelectorAll("article.document").Length);
        ReportFixture.AssertDocumentsMatchDetector(dom, fixture.Key, fixture.Mixed);
        Assert.NotEmpty(dom.QuerySelectorAll(".heatmap mark.wm-span"));
        Assert.Equal(8, dom.QuerySelectorAll("#legend tr[data-class^='tok-']").Length);
        Assert.NotNull(dom.QuerySelector("figure.plot svg title"));
        Assert.NotNull(dom.QuerySelector("figure.plot svg desc"));
        Assert.Empty(dom.QuerySelectorAll("script, img"));

        // Nothing external was asked for, though the text holds a remote image's markup.
        Assert.Empty(HeadlessChromium.PageRequests(netLog));

        Directory.CreateDirectory(s_screenshots);
        string png = Path.Combine(s_screenshots, "detect-report.png");
        File.Delete(png);
        HeadlessChromium.Screenshot(report, png);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000, $"screenshot of {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [ChromiumFact]
    public void The_request_check_sees_a_page_that_loads_something()
    {
        // The control: without the report's policy and escaping, a page's remote image is a request the net log shows.
        string page = Path.Combine(fixture.Dir, "chromium-control.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"><p>control</p></body></html>");
        string netLog = Path.Combine(fixture.Dir, "chromium-control.netlog.json");
        Assert.Equal("control", ReportFixture.Parse(HeadlessChromium.DumpDom(page, netLog)).QuerySelector("p")!.TextContent);
        Assert.Contains("http://127.0.0.1:9/x.png", HeadlessChromium.PageRequests(netLog));
    }

    [ChromiumFact]
    public void Chromium_renders_the_radioactivity_and_score_based_reports()
    {
        string radioactivity = Path.Combine(fixture.Dir, "chromium-radioactivity.html");
        Assert.Equal(0, Run("radioactivity", "--key", fixture.Key, "--suspect", fixture.Marked, "--prompts", fixture.Prompts, "--report", radioactivity).Code);
        string netLog = Path.Combine(fixture.Dir, "chromium-radioactivity.netlog.json");
        IDocument dom = ReportFixture.Parse(HeadlessChromium.DumpDom(radioactivity, netLog));
        Assert.Contains(dom.QuerySelectorAll("#radioactivity tbody tr"), r => r.Children[0].TextContent == "Not scored: duplicate pair (deduplicated)");
        Assert.Empty(HeadlessChromium.PageRequests(netLog));

        string gumbel = Path.Combine(fixture.Dir, "chromium-gumbel.html");
        Assert.Equal(0, Run("detect", "--key", fixture.GumbelKey, fixture.GumbelMarked, "--report", gumbel).Code);
        netLog = Path.Combine(fixture.Dir, "chromium-gumbel.netlog.json");
        dom = ReportFixture.Parse(HeadlessChromium.DumpDom(gumbel, netLog));
        ReportFixture.AssertDocumentsMatchDetector(dom, fixture.GumbelKey, fixture.GumbelMarked);
        Assert.Empty(HeadlessChromium.PageRequests(netLog));
        Directory.CreateDirectory(s_screenshots);
        HeadlessChromium.Screenshot(gumbel, Path.Combine(s_screenshots, "gumbel-report.png"));
        Assert.True(File.Exists(Path.Combine(s_screenshots, "gumbel-report.png")));
    }
}
