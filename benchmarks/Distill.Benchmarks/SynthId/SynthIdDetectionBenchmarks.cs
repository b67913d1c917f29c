using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.SynthId;

namespace Distill.Benchmarks.SynthId;

/// <summary>
/// Detection of SynthID-Text (depth 30, context width 4, history 1024) over 1,000,000 uniformly random
/// token ids (vocabulary 128,256): mean and weighted statistics, with deduplication on (the default)
/// and off. The floor reads the same ids and hashes each once.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SynthIdDetectionBenchmarks
{
    public const int TokenCount = 1_000_000;

    private static readonly DetectionOptions s_noDeduplication = new() { Deduplicate = false };
    private int[] _tokens = [];
    private SynthIdScheme _scheme = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = BenchmarkInputs.RandomTokens(TokenCount, BenchmarkInputs.Llama3Vocabulary);
        _scheme = SynthIdScheme.Create(BenchmarkInputs.Key(), SynthIdOptions.Default, BenchmarkInputs.Llama3Vocabulary);
    }

    /// <summary>The floor: read every token id once and hash it once.</summary>
    [Benchmark(Baseline = true)]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_tokens);

    [Benchmark]
    public DetectionResult MeanDeduplicated() => _scheme.Detect(_tokens);

    [Benchmark]
    public DetectionResult MeanNotDeduplicated() => _scheme.Detect(_tokens, s_noDeduplication);

    [Benchmark]
    public DetectionResult WeightedDeduplicated() => _scheme.DetectWeighted(_tokens);

    private sealed class Config : KgwBenchmarkConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn(TokenCount));
    }
}
