using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Distill.Evaluation.Runner;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Runner;

/// <summary>A tiny evaluation run: deterministic, well-formed, and sensible at its two ends (clean KGW, human text).</summary>
public sealed class EvaluationRunnerTests(ITestOutputHelper output)
{
    private static readonly Lazy<EvaluationReport> s_report = new(() => EvaluationRunner.Run(Tiny(threads: 2)));

    private static EvaluationOptions Tiny(int threads) => new()
    {
        Schemes = EvaluationSchemes.Select(["kgw", "unigram"]),
        Attacks = EvaluationAttack.Select(["none", "token-sub-30", "paste-10-3"]),
        Generations = 8,
        MaxTokens = 200,
        HumanPassages = 600,
        Seed = 7,
        MaxDegreeOfParallelism = threads,
    };

    [Fact]
    public void The_same_seed_gives_the_same_tables_whatever_the_parallelism()
    {
        EvaluationReport again = EvaluationRunner.Run(Tiny(threads: 1) with { Schemes = EvaluationSchemes.Select(["kgw"]) });
        string first = s_report.Value.ToMarkdown();
        output.WriteLine(first);
        string kgwFirst = first[first.IndexOf("### kgw", StringComparison.Ordinal)..first.IndexOf("### unigram", StringComparison.Ordinal)];
        string kgwAgain = again.ToMarkdown();
        Assert.Equal(kgwFirst.TrimEnd(), kgwAgain[kgwAgain.IndexOf("### kgw", StringComparison.Ordinal)..].TrimEnd());
        Assert.Equal(s_report.Value.ToSvg(s_report.Value.Schemes[0]), again.ToSvg(again.Schemes[0]));

        // Another seed gives other generations.
        EvaluationReport other = EvaluationRunner.Run(Tiny(threads: 2) with { Schemes = EvaluationSchemes.Select(["kgw"]), Attacks = [EvaluationAttack.None], Seed = 8 });
        Assert.NotEqual(
            s_report.Value.Schemes[0].Rows[0].Cells.Select(c => c.MeanLog10PValue),
            other.Schemes[0].Rows[0].Cells.Select(c => c.MeanLog10PValue));
    }

    [Fact]
    public void Tables_and_plots_are_well_formed()
    {
        EvaluationReport report = s_report.Value;
        string markdown = report.ToMarkdown();
        Assert.Equal([25, 50, 100, 200], report.Options.Lengths);
        foreach (string line in markdown.Split('\n').Where(l => l.StartsWith('|')))
        {
            Assert.Equal(report.Options.Lengths.Count + 2, line.Count(ch => ch == '|'));
        }

        Assert.Equal(4, markdown.Split('\n').Count(l => l.StartsWith("| attack |", StringComparison.Ordinal)));
        Assert.Contains("![kgw: TPR at p <= 1e-3 against tokens](kgw.svg)", markdown);

        foreach (SchemeEvaluation scheme in report.Schemes)
        {
            XDocument svg = XDocument.Parse(report.ToSvg(scheme));
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal(ns + "svg", svg.Root!.Name);
            Assert.Equal(3, svg.Descendants(ns + "polyline").Count());
            Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "tokens (log scale)");
            Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "token-sub-30");
            foreach (XElement line in svg.Descendants(ns + "polyline"))
            {
                string[] points = line.Attribute("points")!.Value.Split(' ');
                Assert.Equal(4, points.Length);
                Assert.All(points, p => Assert.All(p.Split(','), v => Assert.InRange(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture), 0, 820)));
            }
        }

        string directory = Directory.CreateTempSubdirectory("distill-eval-").FullName;
        try
        {
            Assert.Equal(3, report.WriteTo(directory).Count);
            Assert.Equal(markdown, File.ReadAllText(Path.Combine(directory, "results.md")));
            Assert.True(File.Exists(Path.Combine(directory, "unigram.svg")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Clean_kgw_is_detected_at_200_tokens_and_human_text_is_not()
    {
        SchemeEvaluation kgw = s_report.Value.Schemes[0];
        EvaluationCell clean = kgw.Rows[0].Cells[^1];
        Assert.Equal(200, clean.Tokens);
        Assert.Equal(8, clean.Trials);
        Assert.True(clean.Detected[1] >= 7, $"{clean.Detected[1]}/8 at 1e-3");
        Assert.Equal(200, clean.MeanAttackedTokens);

        // Substituting 30% of tokens costs evidence; a 10% paste barely registers.
        EvaluationCell substituted = kgw.Rows[1].Cells[^1];
        Assert.True(substituted.MeanLog10PValue > clean.MeanLog10PValue);
        Assert.True(kgw.Rows[2].Cells[^1].MeanLog10PValue > substituted.MeanLog10PValue);

        foreach (SchemeEvaluation scheme in s_report.Value.Schemes)
        {
            foreach (HumanNullCell human in scheme.Human)
            {
                Assert.Equal(600, human.Passages);
                Assert.True(human.FalsePositives[0] <= 14, $"{scheme.Scheme.Name}: {human.FalsePositives[0]}/600 human passages at 1e-2 with {human.Tokens} tokens");
                Assert.True(human.MinLog10PValue > -6);
                Assert.NotNull(human.EmpiricalLog10Threshold);
            }

            Assert.All(scheme.Rows.SelectMany(r => r.Cells), c => Assert.NotNull(c.EmpiricalDetected));
        }
    }

    [Fact]
    public void Every_scheme_runs_through_the_runner_and_detects_its_own_clean_text()
    {
        // A contract check for schemes added to the list: generation (also with forced emoji markers),
        // every attack kind, detection and the human null, at a tiny size.
        EvaluationReport report = EvaluationRunner.Run(new EvaluationOptions
        {
            Schemes = EvaluationSchemes.All,
            Attacks = EvaluationAttack.Select(["none", "token-del-10", "word-sub-10", "paste-50-1", "emoji", "retokenize"]),
            Generations = 3,
            MaxTokens = 60,
            HumanPassages = 40,
            Seed = 11,
        });
        Assert.Equal(EvaluationSchemes.All.Select(s => s.Name), report.Schemes.Select(s => s.Scheme.Name));
        Assert.Contains(report.Schemes, s => s.Scheme.Name == "synthid");
        Assert.Contains(report.Schemes, s => s.Scheme.Name == "exp-edit");
        Assert.DoesNotContain(EvaluationSchemes.Default, s => s.Name == "exp-edit");
        Assert.Contains(EvaluationSchemes.Default, s => s.Name == "exp-edit-gamma");
        foreach (SchemeEvaluation scheme in report.Schemes)
        {
            EvaluationCell clean = scheme.Rows[0].Cells[^1];
            output.WriteLine($"{scheme.Scheme.Name}: clean 60 tokens {clean.Detected[0]}/3 at 1e-2, mean log10 p {clean.MeanLog10PValue:F1}; human {scheme.Human[^1].FalsePositives[0]}/40");
            Assert.True(clean.Detected[0] >= 2, $"{scheme.Scheme.Name}: {clean.Detected[0]}/3 clean 60-token generations at 1e-2");
            Assert.True(scheme.Human.All(h => h.FalsePositives[0] <= 4), scheme.Scheme.Name);
        }
    }

    [Fact]
    public void Options_and_names_are_validated()
    {
        Assert.Throws<ArgumentException>(() => EvaluationSchemes.Select(["kgw", "nope"]));
        Assert.Throws<ArgumentException>(() => EvaluationAttack.Select(["emoji", "nope"]));
        Assert.Throws<ArgumentException>(() => new EvaluationOptions { Schemes = [] });
        Assert.Throws<ArgumentException>(() => new EvaluationOptions { Schemes = [EvaluationSchemes.All[0], EvaluationSchemes.All[0]] });
        Assert.Throws<ArgumentException>(() => new EvaluationOptions { Attacks = [EvaluationAttack.None, EvaluationAttack.None] });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { Generations = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { MaxTokens = 5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { HumanPassages = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { MaxDegreeOfParallelism = 0 });
        Assert.Equal([25, 50, 100, 200, 400, 1000], new EvaluationOptions().Lengths);
        Assert.Equal([25, 50, 100, 150], new EvaluationOptions { MaxTokens = 150 }.Lengths);
        Assert.Equal(14, EvaluationAttack.All.Count);
        Assert.Equal(EvaluationAttack.All.Count, EvaluationAttack.All.Select(a => a.Name).Distinct().Count());
    }
}
