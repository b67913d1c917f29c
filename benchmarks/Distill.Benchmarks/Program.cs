using BenchmarkDotNet.Running;

namespace Distill.Benchmarks;

/// <summary>Runs the benchmarks the command line selects, for example <c>-- --filter '*Kgw*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
