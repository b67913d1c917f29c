using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Distill.Detection;
using Distill.Evaluation;
using Distill.GreenList;
using Distill.Tokenizers;

namespace Distill.Benchmarks.Kgw;

/// <summary>
/// Detection of KGW over real text (the 200 held-out Brown documents, o200k_base, about 500,000 tokens
/// in one stream) with and without the built-in reference filter (the Brown training split; its common
/// pairs are built once, in setup). The floor reads the same ids and hashes each once.
/// </summary>
/// <remarks>
/// The filter adds one look-up per token in a read-only table of the common pairs (about 2 MiB), and
/// takes the per-token path instead of the batched inserts of unfiltered deduplication.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ReferenceFilterBenchmarks
{
    private static readonly int s_tokenCount = Tokens().Length;

    private int[] _tokens = [];
    private KgwScheme _selfHash = null!;
    private KgwScheme _selfHashFiltered = null!;
    private KgwScheme _leftHash = null!;
    private KgwScheme _leftHashFiltered = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = Tokens();
        var key = BenchmarkInputs.Key();
        var reference = ReferenceCorpora.Brown(BuiltInModel.Tokenizer);
        _selfHash = KgwScheme.Create(key, KgwOptions.Default, BuiltInModel.Tokenizer.VocabularySize);
        _leftHash = KgwScheme.Create(key, KgwOptions.LeftHash, BuiltInModel.Tokenizer.VocabularySize);
        _selfHashFiltered = _selfHash.WithReference([reference]);
        _leftHashFiltered = _leftHash.WithReference([reference]);

        // Build the common pairs now, not in the first measured call.
        _selfHashFiltered.Detect(_tokens.AsSpan(0, 100));
        _leftHashFiltered.Detect(_tokens.AsSpan(0, 100));
    }

    /// <summary>The floor: read every token id once and hash it once.</summary>
    [Benchmark(Baseline = true)]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_tokens);

    [Benchmark]
    public DetectionResult SelfHash() => _selfHash.Detect(_tokens);

    [Benchmark]
    public DetectionResult SelfHashFiltered() => _selfHashFiltered.Detect(_tokens);

    [Benchmark]
    public DetectionResult LeftHash() => _leftHash.Detect(_tokens);

    [Benchmark]
    public DetectionResult LeftHashFiltered() => _leftHashFiltered.Detect(_tokens);

    private static int[] Tokens() => [.. BrownCorpus.EncodeHeldOutDocuments(BuiltInModel.Tokenizer).SelectMany(d => d.Ids.ToArray())];

    private sealed class Config : KgwBenchmarkConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn(s_tokenCount));
    }
}
