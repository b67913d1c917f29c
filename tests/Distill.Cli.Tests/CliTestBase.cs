using System;
using System.IO;

namespace Distill.Cli.Tests;

/// <summary>Runs CLI commands in process, each test class in a temporary folder of its own.</summary>
public abstract class CliTestBase : IDisposable
{
    protected CliTestBase(string prefix) => Dir = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Gets the temporary folder, deleted after the tests.</summary>
    protected string Dir { get; }

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a command with empty standard input.</summary>
    protected static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new StringReader(""), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
