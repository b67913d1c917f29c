using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.Unigram;

namespace Distill.Benchmarks.Unigram;

/// <summary>
/// Unigram detection of one stream of 1,000,000 uniformly random token ids (vocabulary 200,019), with
/// token-level deduplication (the default) and without, beside the floor of reading and hashing each id once.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class UnigramDetectionBenchmarks
{
    public const int TokenCount = 1_000_000;

    private static readonly DetectionOptions s_noDeduplication = new() { Deduplicate = false };

    private int[] _tokens = [];
    private UnigramScheme _scheme = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = BenchmarkInputs.RandomTokens(TokenCount, BenchmarkInputs.O200kVocabulary);
        _scheme = UnigramScheme.Create(BenchmarkInputs.Key(), UnigramOptions.Default, BenchmarkInputs.O200kVocabulary);
    }

    /// <summary>The floor: read every token id once and hash it once; the sum keeps the work alive.</summary>
    [Benchmark(Baseline = true)]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_tokens);

    [Benchmark]
    public DetectionResult Deduplicated() => _scheme.Detect(_tokens);

    [Benchmark]
    public DetectionResult NotDeduplicated() => _scheme.Detect(_tokens, s_noDeduplication);

    private sealed class Config : KgwBenchmarkConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn(TokenCount));
    }
}
