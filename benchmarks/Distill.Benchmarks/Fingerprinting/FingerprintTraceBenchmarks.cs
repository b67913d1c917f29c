using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.Fingerprinting;

namespace Distill.Benchmarks.Fingerprinting;

/// <summary>
/// Trace latency: one 300-token document of a registered tenant traced against a registry of
/// 1,000,000 tenants (built in the set-up), and without a registry (all 2^64 tenant numbers),
/// beside the floor of plain zero-bit scoring of the same document and its decode alone.
/// </summary>
/// <remarks>
/// Tracing decodes once, list-decodes the identity word and checks each candidate against the
/// registry: it never loops over the registered tenants.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class FingerprintTraceBenchmarks
{
    public const int RegistrySize = 1_000_000;
    public const int DocumentLength = 300;

    private int[] _document = [];
    private FingerprintScheme _scheme = null!;
    private TenantRegistry _registry = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scheme = FingerprintInputs.Scheme(BenchmarkInputs.O200kVocabulary);
        _registry = FingerprintInputs.Registry(RegistrySize);
        var tenant = TenantId.FromName(FingerprintInputs.TenantName(123_456));
        _document = FingerprintInputs.Generate(_scheme, tenant, DocumentLength, seed: 11);

        // Guard the input: the document must trace to its tenant, so the benchmark measures a real trace.
        TraceResult traced = _scheme.Trace(_document, _registry);
        if (traced.Tenant != tenant)
        {
            throw new InvalidOperationException($"The benchmark document does not trace to its tenant (p = {traced.PValue}).");
        }
    }

    /// <summary>The floor: plain zero-bit scoring of the same document.</summary>
    [Benchmark(Baseline = true)]
    public DetectionResult ZeroBitDetect() => _scheme.ZeroBit.Detect(_document);

    /// <summary>The decode pass alone: per-position colour counts.</summary>
    [Benchmark]
    public FingerprintEvidence Decode() => _scheme.Decode(_document);

    /// <summary>Decode, list decoding and the candidates' exact p-values against 1,000,000 registered tenants.</summary>
    [Benchmark]
    public TraceResult TraceRegistry() => _scheme.Trace(_document, _registry);

    /// <summary>The same without a registry: the decoded number, corrected for 2^64 tenants.</summary>
    [Benchmark]
    public TraceResult TraceWithoutRegistry() => _scheme.Trace(_document);
}
