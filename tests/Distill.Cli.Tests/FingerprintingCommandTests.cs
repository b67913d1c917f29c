using System;
using System.IO;

namespace Distill.Cli.Tests;

public sealed class FingerprintingCommandTests() : CliTestBase("distill-cli-fingerprinting-")
{
    [Fact]
    public void Quick_writes_the_tables_and_the_plot()
    {
        string dir = Path.Combine(Dir, "out");
        var (code, output, err) = Run(
            "fingerprinting", "--quick", "--out", dir, "--tokens", "100,300", "--documents", "4", "--human", "50", "--watermarked", "10",
            "--watermarked-tokens", "50", "--runs", "1", "--pooled-registry", "1000", "--max-pooled-tokens", "800", "--threads", "2");

        Assert.True(code == 0, err);
        string markdown = File.ReadAllText(Path.Combine(dir, "results.md"));
        Assert.Contains("--tokens 100,300 --registries 1000 --documents 4 --human 50 --watermarked 10 --human-tokens 300 --watermarked-tokens 50 --colluders 2 --runs 1 --pooled-registry 1000", markdown, StringComparison.Ordinal);
        Assert.Contains("| 10^3 |", markdown, StringComparison.Ordinal);
        Assert.Contains("### Pooled colluders", markdown, StringComparison.Ordinal);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir, "accuracy.svg")), StringComparison.Ordinal);
        Assert.Contains("accuracy.svg", output, StringComparison.Ordinal);
        Assert.Contains("distill: pooled c = 2, run 0", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tokens", "300,100")]
    [InlineData("--tokens", "100,x")]
    [InlineData("--registries", "0")]
    [InlineData("--colluders", "")]
    [InlineData("--false-accusation", "2")]
    [InlineData("--seed", "-1")]
    [InlineData("--threads", "0")]
    public void Bad_arguments_are_usage_errors(string name, string value)
    {
        var (code, _, err) = Run("fingerprinting", "--quick", "--out", Path.Combine(Dir, "bad"), name, value);

        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("distill:", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Dir, "bad")));
    }
}
