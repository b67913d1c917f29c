using System;
using System.Linq;
using Distill.Evaluation.Runner;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Runner;

/// <summary>Small cells of the offline attack matrix, through the runner: they fail if an attack or the normalization path stops doing what the table reports.</summary>
public sealed class AttackMatrixTests(ITestOutputHelper output)
{
    private static EvaluationOptions Cell(params string[] attacks) => new()
    {
        Schemes = EvaluationSchemes.Select(["kgw"]),
        Attacks = EvaluationAttack.Select(attacks),
        Generations = 12,
        MaxTokens = 100,
        HumanPassages = 200,
        Seed = 3,
        MaxDegreeOfParallelism = 2,
    };

    [Fact]
    public void Normalization_restores_the_watermark_after_zero_width_insertion_and_its_absence_loses_it()
    {
        EvaluationReport report = EvaluationRunner.Run(Cell("retokenize", "zero-width-50", "zero-width-50-raw"));
        output.WriteLine(report.ToMatrixMarkdown());
        EvaluationCell[] cells = [.. report.Schemes[0].Rows.Select(r => r.Cells[^1])];
        Assert.True(cells[0].Detected[1] >= 10, $"retokenized: {cells[0].Detected[1]} of 12 at 1e-3");

        // The normalizer removes every zero-width space, so the detected tokens, and the p-values, are those of the clean text sent through text.
        Assert.Equal(cells[0].Detected, cells[1].Detected);
        Assert.Equal(cells[0].MeanLog10PValue, cells[1].MeanLog10PValue);

        // Without it half the words split into other tokens: most evidence is gone.
        Assert.True(cells[2].MeanLog10PValue > cells[0].MeanLog10PValue / 2, $"raw {cells[2].MeanLog10PValue:F1}, clean {cells[0].MeanLog10PValue:F1}");
        Assert.Contains("| zero-width-50-raw |", report.ToMatrixMarkdown(), StringComparison.Ordinal);
    }

    [Attacks.OfflineDataFact]
    public void Synonym_substitution_weakens_detection_in_proportion_to_its_rate()
    {
        EvaluationReport report = EvaluationRunner.Run(Cell("none", "synonym-25", "synonym-75"));
        output.WriteLine(report.ToMatrixMarkdown());
        double[] means = [.. report.Schemes[0].Rows.Select(r => r.Cells[^1].MeanLog10PValue)];
        Assert.True(means[0] < means[1] && means[1] < means[2], $"mean log10 p: none {means[0]:F1}, 25% {means[1]:F1}, 75% {means[2]:F1}");
    }
}
