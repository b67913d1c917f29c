using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Distill.Evaluation.Fingerprinting;
using Distill.Statistics;

namespace Distill.Evaluation.Tests.Fingerprinting;

[Collection(SharedModel.Name)]
public sealed class FingerprintExperimentTests
{
    // A scaled-down run of the full experiment (docs/evaluation/fingerprinting). The watermarked
    // false-attribution texts are 100 tokens, not 300, to keep the generation of 2,000 of them short.
    private static readonly FingerprintExperimentOptions s_options = new()
    {
        TokenCounts = [100, 300],
        RegistrySizes = [1_000],
        TracingDocuments = 100,
        HumanDocuments = 2_000,
        HumanTokens = 300,
        WatermarkedDocuments = 2_000,
        WatermarkedTokens = 100,
        Colluders = [2],
        PooledRuns = 1,
        PooledRegistrySize = 10_000,
        MaxPooledTokens = 102_400,
        Seed = 7,
    };

    private static readonly Lazy<FingerprintReport> s_report = new(() => FingerprintExperiment.Run(s_options));

    private readonly ModelFixture _fixture;

    public FingerprintExperimentTests(ModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Most_300_token_generations_trace_to_their_tenant_and_none_to_another()
    {
        Assert.NotNull(_fixture.Model);
        FingerprintReport report = s_report.Value;
        TracingCell cell = report.FindTracing(1_000, 300)!.Value;
        Assert.Equal(100, cell.Documents);
        Assert.True(cell.CorrectFraction >= 0.9, cell.ToString());
        Assert.Equal(0, cell.Wrong);

        // Without a registry (all 2^64 ids) fewer are traced, and none to a wrong tenant either.
        foreach (TracingCell other in report.Tracing)
        {
            Assert.Equal(0, other.Wrong);
            Assert.True(other.Correct <= report.FindTracing(1_000, other.Tokens)!.Value.Correct, other.ToString());
        }

        Assert.True(report.FindTracing(1_000, 100)!.Value.Correct <= cell.Correct);
    }

    [Fact]
    public void False_attribution_stays_within_the_nominal_rate_over_two_thousand_documents()
    {
        FingerprintReport report = s_report.Value;
        Assert.Equal(5, report.Attribution.Count);
        foreach (AttributionCell cell in report.Attribution)
        {
            Assert.True(cell.Documents >= 2_000, cell.ToString());
            Assert.True(cell.Wrong <= UpperQuantile(cell.Documents, 1e-3, 1e-4), cell.ToString());
            Assert.True(cell.ConfidenceInterval.Lower <= 1e-3);
        }

        // Against registries that hold A, some texts of tenant A do trace to A: the test has texts the tracer reads.
        Assert.Contains(report.Attribution, c => c.Text == AttributionText.WatermarkedRegistered && c.Correct > 100);
    }

    [Fact]
    public void Two_pooled_colluders_are_accused_and_no_innocent_is()
    {
        PooledResult pooled = Assert.Single(s_report.Value.Pooled);
        PooledRun run = Assert.Single(pooled.Runs);
        Assert.Equal(2, run.Colluders.Count);
        Assert.NotNull(run.TokensToFirstAccusation);
        Assert.True(run.ColludersAccusedAtEnd >= 1);
        Assert.Equal(0, run.InnocentsEverAccused);
        Assert.All(run.Checkpoints, c => Assert.Equal(0, c.InnocentsAccused));

        // The corpus doubles: one document per colluder, then two, four, ...
        Assert.Equal(400, run.Checkpoints[0].Tokens);
        Assert.All(run.Checkpoints.Skip(1).Zip(run.Checkpoints), p => Assert.Equal(2 * p.Second.Tokens, p.First.Tokens));
    }

    [Fact]
    public void The_report_writes_its_tables_and_plot()
    {
        FingerprintReport report = s_report.Value;
        string markdown = report.ToMarkdown();
        Assert.Contains(report.CommandLine(), markdown, StringComparison.Ordinal);
        Assert.Contains("| 10^3 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| none (2^64) |", markdown, StringComparison.Ordinal);
        Assert.Contains("tenant A, registry without A", markdown, StringComparison.Ordinal);

        string directory = Path.Combine(Path.GetTempPath(), "distill-fingerprinting-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(2, report.WriteTo(directory).Count);
            XDocument svg = XDocument.Parse(File.ReadAllText(Path.Combine(directory, FingerprintReport.PlotName)));
            Assert.Equal(2, svg.Root!.Elements().Count(e => e.Name.LocalName == "polyline"));
            Assert.Equal(markdown, File.ReadAllText(Path.Combine(directory, "results.md")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new FingerprintExperimentOptions { TokenCounts = [300, 100] });
        Assert.Throws<ArgumentException>(() => new FingerprintExperimentOptions { TokenCounts = [] });
        Assert.Throws<ArgumentException>(() => new FingerprintExperimentOptions { RegistrySizes = [0] });
        Assert.Throws<ArgumentException>(() => new FingerprintExperimentOptions { Colluders = [2, 65] });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintExperimentOptions { TracingDocuments = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintExperimentOptions { PooledRegistrySize = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintExperimentOptions { FalseAccusation = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintExperimentOptions { MaxDegreeOfParallelism = 0 });
        Assert.Equal("tenant-12", FingerprintExperiment.TenantName(12));
        Assert.Throws<ArgumentOutOfRangeException>(() => FingerprintExperiment.TenantName(-1));
    }

    /// <summary>The smallest k with P[Binomial(trials, p) &gt; k] at most <paramref name="tail"/>.</summary>
    private static int UpperQuantile(int trials, double p, double tail)
    {
        int k = 0;
        while (Binomial.LogUpperTail(k + 1, trials, p) > Math.Log(tail))
        {
            k++;
        }

        return k;
    }
}
