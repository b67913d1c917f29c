using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.Fingerprinting;

namespace Distill.Benchmarks.Fingerprinting;

/// <summary>
/// Pooled tracing: a corpus of 2 colluding tenants (40 documents of 300 tokens each, 24,000 tokens)
/// against registries of 10,000 and 1,000,000 tenants: building the evidence (one decode pass over
/// the corpus, deduplicated across it) and the symmetric Tardos score of every registered tenant,
/// beside the floor of plain zero-bit scoring of the same corpus.
/// </summary>
/// <remarks>
/// Unlike single-document tracing, the pooled score is computed for every registered tenant: its
/// cost grows with the registry times the Tardos positions the corpus reaches.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class FingerprintPooledBenchmarks
{
    public const int Colluders = 2;
    public const int DocumentsEach = 40;
    public const int DocumentLength = 300;

    private List<int[]> _corpus = [];
    private FingerprintScheme _scheme = null!;
    private TenantRegistry _registry = null!;
    private FingerprintEvidence _evidence = null!;

    [Params(10_000, 1_000_000)]
    public int Tenants { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scheme = FingerprintInputs.Scheme(BenchmarkInputs.O200kVocabulary);
        _registry = FingerprintInputs.Registry(Tenants);
        _corpus = FingerprintInputs.PooledCorpus(_scheme, Colluders, DocumentsEach, DocumentLength);
        _evidence = BuildEvidence();
    }

    /// <summary>The floor: plain zero-bit scoring of the whole corpus, with corpus-wide deduplication.</summary>
    [Benchmark(Baseline = true)]
    public DetectionResult ZeroBitScoring()
    {
        WatermarkAccumulator accumulator = _scheme.ZeroBit.CreateAccumulator();
        foreach (int[] document in _corpus)
        {
            accumulator.Append(document);
            accumulator.EndDocument();
        }

        return accumulator.GetResult();
    }

    /// <summary>The evidence of the corpus: one decode pass, deduplicated across the corpus.</summary>
    [Benchmark]
    public FingerprintEvidence BuildEvidence()
    {
        FingerprintEvidence evidence = _scheme.CreateEvidence();
        foreach (int[] document in _corpus)
        {
            evidence.Add(document);
        }

        return evidence;
    }

    /// <summary>The Tardos score and bound of every registered tenant, given the evidence.</summary>
    [Benchmark]
    public PooledTraceResult TracePooled() => _scheme.TracePooled(_evidence, _registry);

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithId("Pooled").AsDefault());
    }
}
