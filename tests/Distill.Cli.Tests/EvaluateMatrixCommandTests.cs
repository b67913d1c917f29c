using System;
using System.IO;

namespace Distill.Cli.Tests;

/// <summary><c>distill evaluate --matrix</c>: the attack matrix table beside the ordinary tables.</summary>
public sealed class EvaluateMatrixCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distill-cli-matrix-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Matrix_writes_the_table_of_every_attack_and_scheme()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(
            ["evaluate", "--matrix", "--out", _dir, "--generations", "2", "--max-tokens", "50", "--schemes", "kgw,unigram", "--attacks", "none,lowercase,zero-width-50-raw", "--human", "50", "--seed", "3"],
            new StringReader(""),
            stdout,
            stderr);
        Assert.True(code == 0, stderr.ToString());
        string matrix = File.ReadAllText(Path.Combine(_dir, "matrix.md"));
        Assert.Contains("| attack | `kgw` | `unigram` |", matrix, StringComparison.Ordinal);
        Assert.Contains("| zero-width-50-raw |", matrix, StringComparison.Ordinal);
        Assert.Contains("| human FPR |", matrix, StringComparison.Ordinal);
        Assert.Contains("distill evaluate --matrix --seed 3 --generations 2 --max-tokens 50 --human 50 --schemes kgw,unigram", matrix, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir, "matrix.md"), stdout.ToString(), StringComparison.Ordinal);
    }
}
