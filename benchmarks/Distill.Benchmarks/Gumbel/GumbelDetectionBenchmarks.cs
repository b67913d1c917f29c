using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.Gumbel;

namespace Distill.Benchmarks.Gumbel;

/// <summary>
/// Gumbel-max detection over one stream of 1,000,000 uniformly random token ids (fixed seed,
/// vocabulary 200,019), context width 4, with deduplication of repeated contexts on (the default)
/// and off, and with 4 variants. The floor reads the same token ids and hashes each once.
/// </summary>
/// <remarks>
/// Each scored token costs the context seed (4 + 2 SplitMix64 finalizers), the step seed and word
/// (2 more per variant) and one logarithm per variant; with deduplication, one insert into a table
/// of a million contexts (rented from the shared pool). The Tokens/s column is 1,000,000 divided by
/// the mean time of a call.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GumbelDetectionBenchmarks
{
    public const int TokenCount = 1_000_000;

    private static readonly DetectionOptions s_deduplicate = new() { Deduplicate = true };
    private static readonly DetectionOptions s_noDeduplication = new() { Deduplicate = false };

    private int[] _tokens = [];
    private GumbelScheme _one = null!;
    private GumbelScheme _four = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = BenchmarkInputs.RandomTokens(TokenCount, BenchmarkInputs.O200kVocabulary);
        var key = BenchmarkInputs.Key();
        _one = GumbelScheme.Create(key, GumbelOptions.Default, BenchmarkInputs.O200kVocabulary);
        _four = GumbelScheme.Create(key, GumbelOptions.Default with { Variants = 4 }, BenchmarkInputs.O200kVocabulary);
    }

    /// <summary>The floor: read every token id once and hash it once; the sum keeps the work alive.</summary>
    [Benchmark(Baseline = true)]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_tokens);

    [Benchmark]
    public DetectionResult Deduplicated() => _one.Detect(_tokens, s_deduplicate);

    [Benchmark]
    public DetectionResult NotDeduplicated() => _one.Detect(_tokens, s_noDeduplication);

    [Benchmark]
    public DetectionResult FourVariantsDeduplicated() => _four.Detect(_tokens, s_deduplicate);

    private sealed class Config : KgwBenchmarkConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn(TokenCount));
    }
}
