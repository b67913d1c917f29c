using BenchmarkDotNet.Attributes;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Benchmarks.Kgw;

/// <summary>
/// Detection of KGW over one stream of 1,000,000 uniformly random token ids (fixed seed, vocabulary
/// 200,019): SelfHash with the default options and LeftHash with context width 1, each with
/// deduplication of repeated (context, token) pairs on (the default) and off. The floor reads the same
/// token ids and hashes each once (one SplitMix64 finalizer), which no detector can beat.
/// </summary>
/// <remarks>
/// Random ids are the worst case for deduplication: almost every pair is new, so the set of scored
/// pairs grows to a million entries (and is allocated per call, as <see cref="WatermarkScheme.Detect"/> does).
/// The Tokens/s column is 1,000,000 divided by the mean time of a call.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class DetectionBenchmarks
{
    public const int TokenCount = 1_000_000;

    private static readonly DetectionOptions s_deduplicate = new() { Deduplicate = true };
    private static readonly DetectionOptions s_noDeduplication = new() { Deduplicate = false };

    private int[] _tokens = [];
    private KgwScheme _selfHash = null!;
    private KgwScheme _leftHash = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = BenchmarkInputs.RandomTokens(TokenCount, BenchmarkInputs.O200kVocabulary);
        var key = BenchmarkInputs.Key();
        _selfHash = KgwScheme.Create(key, KgwOptions.Default, BenchmarkInputs.O200kVocabulary);
        _leftHash = KgwScheme.Create(key, KgwOptions.LeftHash, BenchmarkInputs.O200kVocabulary);
    }

    /// <summary>The floor: read every token id once and hash it once; the sum keeps the work alive.</summary>
    [Benchmark(Baseline = true)]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_tokens);

    [Benchmark]
    public DetectionResult SelfHashDeduplicated() => _selfHash.Detect(_tokens, s_deduplicate);

    [Benchmark]
    public DetectionResult SelfHashNotDeduplicated() => _selfHash.Detect(_tokens, s_noDeduplication);

    [Benchmark]
    public DetectionResult LeftHashDeduplicated() => _leftHash.Detect(_tokens, s_deduplicate);

    [Benchmark]
    public DetectionResult LeftHashNotDeduplicated() => _leftHash.Detect(_tokens, s_noDeduplication);

    private sealed class Config : KgwBenchmarkConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn(TokenCount));
    }
}
