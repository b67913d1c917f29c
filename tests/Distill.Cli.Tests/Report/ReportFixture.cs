using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Distill.Detection;
using Distill.Tokenizers;

namespace Distill.Cli.Tests.Report;

/// <summary>
/// What the report tests share, made once: a KGW profile, a Gumbel profile, watermarked and plain
/// generations, and a document of hostile text (markup, a script, a remote image) between them.
/// </summary>
public sealed class ReportFixture : IDisposable
{
    /// <summary>Text that would run a script or load a remote image if the report did not escape it.</summary>
    public const string Hostile = "</span><script>alert('pwned')</script><img src=\"http://example.invalid/x.png\"> & \"quotes\" 'too' \u0001";

    public ReportFixture()
    {
        Dir = Directory.CreateTempSubdirectory("distill-cli-report-").FullName;
        Key = Path.Combine(Dir, "kgw.distill");
        Run("keygen", "--out", Key, "--seeding", "lefthash", "--context-width", "2", "--delta", "3");
        GumbelKey = Path.Combine(Dir, "gumbel.distill");
        Run("keygen", "--out", GumbelKey, "--scheme", "gumbel");
        Prompts = Path.Combine(Dir, "prompts.txt");
        File.WriteAllLines(Prompts, ["The history of the city", "In the morning she went", "Scientists have found that"]);
        Marked = Generate(Key, "marked.jsonl", "2");
        Plain = Generate(Key, "plain.jsonl", "3", "--no-watermark");
        GumbelMarked = Generate(GumbelKey, "gumbel.jsonl", "4");

        // A pasted passage: plain text, then a watermarked generation, then hostile markup; plus a document named with markup.
        string[] marked = [.. File.ReadLines(Marked).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)];
        string[] plain = [.. File.ReadLines(Plain).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)];
        Mixed = Path.Combine(Dir, "mixed.jsonl");
        File.WriteAllLines(Mixed,
        [
            JsonSerializer.Serialize(new { id = "pasted", text = plain[0] + plain[1] + marked[0] + " " + Hostile + plain[2] }),
            JsonSerializer.Serialize(new { id = Hostile, text = marked[1] }),
            JsonSerializer.Serialize(new { id = "plain", text = plain[2] }),
        ]);
    }

    public string Dir { get; }

    public string Key { get; }

    public string GumbelKey { get; }

    public string Prompts { get; }

    public string Marked { get; }

    public string Plain { get; }

    public string GumbelMarked { get; }

    /// <summary>Gets a .jsonl file of three documents: a watermarked passage pasted into plain text with hostile markup, a watermarked document with a hostile id, and a plain one.</summary>
    public string Mixed { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>Runs a command that must succeed; returns its standard output.</summary>
    public static string Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new StringReader(""), stdout, stderr);
        Assert.True(code == 0, $"{string.Join(' ', args)}: exit {code}: {stderr}");
        return stdout.ToString();
    }

    /// <summary>Parses HTML as a browser would.</summary>
    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    /// <summary>
    /// Checks every document article of a report against the detector itself: one element per token
    /// with the class of its kind (as many green and scored tokens as the detector counted), and the
    /// localized spans <see cref="WatermarkScheme.Localize"/> finds.
    /// </summary>
    public static void AssertDocumentsMatchDetector(IDocument dom, string profile, string jsonl)
    {
        ProfileContext context = ProfileContext.Load(profile);
        var detector = new TextDetector(context.Scheme, context.Tokenizer);
        var texts = File.ReadLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("id").ValueKind == JsonValueKind.String ? e.GetProperty("id").GetString()! : e.GetProperty("id").GetRawText(), e => e.GetProperty("text").GetString()!);
        var articles = dom.QuerySelectorAll("article.document");
        Assert.NotEmpty(articles);
        foreach (IElement article in articles)
        {
            // The report shows control characters (invalid in HTML) as U+FFFD.
            string name = texts.Keys.Single(k => new string([.. k.Select(c => char.IsControl(c) && c is not ('\n' or '\t' or '\r') ? '\uFFFD' : c)]) == article.QuerySelector("h3")!.TextContent);
            TextDetectionResult expected = detector.Detect(texts[name], DetectionOptions.Default, LocalizationOptions.Default with { Alpha = DetectCommand.DefaultAlpha });
            DetectionResult d = expected.Detection;
            var tokens = article.QuerySelectorAll(".heatmap span.tok");
            Assert.Equal(expected.Tokens.Count, tokens.Length);
            Assert.Equal(Enumerable.Range(0, tokens.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), tokens.Select(t => t.GetAttribute("data-i")));
            int Count(string cls) => tokens.Count(t => t.ClassList.Contains(cls));
            Assert.All(tokens, t => Assert.False(string.IsNullOrEmpty(t.GetAttribute("title")), "every token has a text label"));
            Assert.Equal(d.ScoredTokens, Count("tok-green") + Count("tok-red") + Count("tok-scored"));
            Assert.Equal(d.Statistic == DetectionStatistic.GreenCount ? d.GreenTokens : 0, Count("tok-green"));
            Assert.Equal(d.SkippedRepeated, Count("tok-repeated"));
            Assert.Equal(d.SkippedCommon, Count("tok-common"));
            Assert.Equal(d.SkippedPrefix, Count("tok-prefix"));

            // The spans: every one in the table, and those that do not overlap marked in the text.
            var rows = article.QuerySelectorAll("tr.span-row").Select(r => (Start: int.Parse(r.GetAttribute("data-start")!, System.Globalization.CultureInfo.InvariantCulture), End: int.Parse(r.GetAttribute("data-end")!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(expected.Spans.Select(s => (s.Tokens.Start, s.Tokens.End)), rows);
            foreach (IElement mark in article.QuerySelectorAll(".heatmap mark.wm-span"))
            {
                int start = int.Parse(mark.GetAttribute("data-start")!, System.Globalization.CultureInfo.InvariantCulture), end = int.Parse(mark.GetAttribute("data-end")!, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Contains((start, end), rows);
                Assert.Equal(Enumerable.Range(start, end - start).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), mark.QuerySelectorAll("span.tok").Select(t => t.GetAttribute("data-i")));
            }
        }
    }

    private string Generate(string key, string name, string seed, params string[] extra)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, Run(["generate", "--key", key, "--prompts", Prompts, "--max-tokens", "150", "--seed", seed, "--json", .. extra]));
        return path;
    }
}
