using System;
using System.Linq;
using Distill.Evaluation.Distillation;

namespace Distill.Evaluation.Tests.Distillation;

[Collection(SharedModel.Name)]
public sealed class DistillationExperimentTests
{
    // Tiny sizes: 5 human documents, 1,000 student tokens, 3 calibration keys.
    private static readonly DistillationOptions s_tiny = new()
    {
        Schemes = [DistillationExperiment.KgwLeftHash2],
        Rhos = [0, 1],
        HumanDocuments = 5,
        StudentTokens = 1_000,
        CalibrationRuns = 3,
        CalibrationTeacherResponses = 2,
        Seed = 3,
    };

    private readonly ModelFixture _fixture;

    public DistillationExperimentTests(ModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void A_student_trained_on_watermarked_text_tests_positive_in_the_supervised_and_open_settings()
    {
        // About 6,000 teacher tokens. The unsupervised closed test needs a far larger teacher corpus
        // (the tiny student smooths most of the watermark away and dilutes the rest with every other
        // context): the full run in docs/evaluation/distillation shows it.
        var options = new DistillationOptions
        {
            Schemes = [DistillationExperiment.KgwLeftHash2],
            Rhos = [0, 0.2, 1],
            HumanDocuments = 10,
            StudentTokens = 50_000,
            CalibrationRuns = 0,
            Seed = 5,
        };

        DistillationReport report = DistillationExperiment.Run(options);

        DistillationSchemeResult result = Assert.Single(report.Schemes);
        Assert.Null(result.UnsupportedReason);
        foreach (DistillationSetting setting in new[] { DistillationSetting.ClosedSupervised, DistillationSetting.Open })
        {
            DistillationPoint full = result.Find(setting, 1, 50_000)!;
            Assert.True(full.Log10PValue < -3, $"{setting} at rho 1: log10 p = {full.Log10PValue}");
            Assert.Equal(1.0, full.WatermarkedShare);
        }

        foreach (DistillationSetting setting in Enum.GetValues<DistillationSetting>())
        {
            Assert.True(result.Find(setting, 0, 50_000)!.Log10PValue > -3, $"{setting} at rho 0");
        }

        // The share actually used is near the one asked for, and more student tokens score more.
        Assert.InRange(result.Find(DistillationSetting.Open, 0.2, 0)!.WatermarkedShare, 0.18, 0.22);
        Assert.True(result.Find(DistillationSetting.ClosedSupervised, 1, 50_000)!.ScoredTokens > result.Find(DistillationSetting.ClosedSupervised, 1, 1_000)!.ScoredTokens);
        Assert.Empty(report.Calibration.SelectMany(c => c.Log10PValues));
    }

    [Fact]
    public void Rho_zero_is_calibrated_over_a_hundred_keys()
    {
        var options = new DistillationOptions
        {
            Schemes = [DistillationExperiment.KgwLeftHash2],
            Rhos = [0],
            HumanDocuments = 10,
            StudentTokens = 2_000,
            CalibrationRuns = 100,
            CalibrationTeacherResponses = 5,
            Seed = 11,
        };

        DistillationReport report = DistillationExperiment.Run(options);

        Assert.Equal(3, report.Calibration.Count);
        foreach (DistillationCalibration calibration in report.Calibration)
        {
            Assert.Equal(100, calibration.Log10PValues.Count);
            Assert.True(calibration.MinLog10PValue > -3, $"{calibration.Setting}: min log10 p = {calibration.MinLog10PValue}");
            Assert.True(calibration.FractionAtMost(1e-2) <= 0.05, $"{calibration.Setting}: {calibration.FractionAtMost(1e-2)} at 1e-2");
            Assert.True(calibration.KolmogorovSmirnovExcess < calibration.KolmogorovSmirnovCritical, $"{calibration.Setting}: KS excess {calibration.KolmogorovSmirnovExcess}");

            // Not degenerate: the runs give different p-values (the open test's anytime-valid p-value
            // is 1 for most null runs: conservative by design, so only its size is checked).
            if (calibration.Setting != DistillationSetting.Open)
            {
                Assert.True(calibration.Log10PValues.Distinct().Count() > 10);
            }
        }
    }

    [Fact]
    public void The_report_depends_on_the_seed_and_not_on_the_thread_count()
    {
        string one = DistillationExperiment.Run(s_tiny with { MaxDegreeOfParallelism = 1 }).ToMarkdown();
        string two = DistillationExperiment.Run(s_tiny with { MaxDegreeOfParallelism = 2 }).ToMarkdown();
        string other = DistillationExperiment.Run(s_tiny with { Seed = 4, MaxDegreeOfParallelism = 2 }).ToMarkdown();

        Assert.Equal(one, two);
        Assert.NotEqual(one, other);
        Assert.Contains("| kgw-lefthash-2 |", one, StringComparison.Ordinal);
        Assert.Contains("### Calibration: rho = 0 over 3 keys", one, StringComparison.Ordinal);
    }

    [Fact]
    public void Exp_edit_is_reported_as_unsupported()
    {
        DistillationReport report = DistillationExperiment.Run(s_tiny with { Schemes = DistillationExperiment.SelectSchemes(["exp-edit"]), CalibrationRuns = 0 });

        DistillationSchemeResult result = Assert.Single(report.Schemes);
        Assert.NotNull(result.UnsupportedReason);
        Assert.Empty(result.Points);
        Assert.Contains("n/a", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Rhos = [] });
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Rhos = [0.1, 0.05] });
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Rhos = [0, 1.5] });
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Rhos = [double.NaN] });
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Schemes = [] });
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Schemes = [DistillationExperiment.KgwLeftHash2, DistillationExperiment.KgwLeftHash2] });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { StudentTokens = 199 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { StudentOrder = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { StudentOrder = 6 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { HumanDocuments = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { HumanDocuments = 301 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { CalibrationRuns = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { CalibrationTeacherResponses = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationOptions { MaxDegreeOfParallelism = 0 });
        Assert.Throws<ArgumentException>(() => DistillationExperiment.SelectSchemes(["nope"]));
        Assert.Equal([1_000, 3_000, 5_000], new DistillationOptions { StudentTokens = 5_000 }.Checkpoints);
    }
}
