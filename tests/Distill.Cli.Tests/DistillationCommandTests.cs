using System;
using System.IO;

namespace Distill.Cli.Tests;

public sealed class DistillationCommandTests() : CliTestBase("distill-cli-distillation-")
{
    [Fact]
    public void Quick_writes_the_tables_and_the_plots()
    {
        string dir = Path.Combine(Dir, "out");
        var (code, output, err) = Run("distillation", "--quick", "--out", dir, "--student-tokens", "1000", "--human-documents", "5", "--calibration-runs", "3", "--threads", "2");

        Assert.True(code == 0, err);
        string markdown = File.ReadAllText(Path.Combine(dir, "results.md"));
        Assert.Contains("--student-tokens 1000 --student-order 3 --human-documents 5 --schemes kgw-lefthash-2 --rhos 0,0.1,1 --calibration-runs 3", markdown, StringComparison.Ordinal);
        Assert.Contains("| kgw-lefthash-2 |", markdown, StringComparison.Ordinal);
        Assert.Contains("### Calibration: rho = 0 over 3 keys", markdown, StringComparison.Ordinal);
        foreach (string name in new[] { "rho-closed-unsupervised.svg", "rho-closed-supervised.svg", "rho-open.svg", "tokens-kgw-lefthash-2.svg" })
        {
            Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir, name)), StringComparison.Ordinal);
            Assert.Contains(name, output, StringComparison.Ordinal);
        }

        Assert.Contains("distill: kgw-lefthash-2", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rhos", "0,0.5,0.2")]
    [InlineData("--rhos", "0,x")]
    [InlineData("--student-order", "2")]
    [InlineData("--student-tokens", "10")]
    [InlineData("--schemes", "nope")]
    [InlineData("--seed", "-1")]
    [InlineData("--threads", "0")]
    public void Bad_arguments_are_usage_errors(string name, string value)
    {
        var (code, _, err) = Run("distillation", "--quick", "--out", Path.Combine(Dir, "bad"), name, value);

        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("distill:", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Dir, "bad")));
    }
}
