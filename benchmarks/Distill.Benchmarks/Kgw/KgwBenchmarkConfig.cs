using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Distill.Benchmarks.Kgw;

/// <summary>
/// The job of the KGW benchmarks: one process per case, 3 warmup and 10 measured iterations, so that
/// the whole suite (23 cases) runs in about 6 minutes on a 2-core machine.
/// </summary>
/// <remarks>
/// The job is marked as the default, so a job named on the command line (<c>--job dry</c>,
/// <c>--job short</c>) replaces it instead of running beside it, and options such as
/// <c>--iterationCount</c> still apply.
/// </remarks>
public class KgwBenchmarkConfig : ManualConfig
{
    public KgwBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("Kgw")
            .AsDefault());
    }
}
