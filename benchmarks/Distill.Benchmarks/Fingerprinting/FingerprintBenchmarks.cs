using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.Fingerprinting;

namespace Distill.Benchmarks.Fingerprinting;

/// <summary>
/// Decode throughput: <see cref="FingerprintScheme.Decode"/> of one stream of 100,000 tokens that
/// carry a tenant's fingerprint (vocabulary 200,019, the default options), beside the floor of plain
/// zero-bit scoring of the same tokens (<see cref="FingerprintScheme.ZeroBit"/>'s
/// <see cref="WatermarkScheme.Detect"/>, both deduplicating repeated pairs) and of reading and hashing each id once.
/// </summary>
/// <remarks>
/// Decoding does the zero-bit scoring plus, for each green token, the choice of its codeword
/// position and the count of its colour there: one pass, whatever the number of tenants.
/// The tokens come from <see cref="FingerprintInputs.Generate"/>. Tokens/s is 100,000 divided by the mean.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class FingerprintBenchmarks
{
    public const int TokenCount = 100_000;

    private int[] _tokens = [];
    private FingerprintScheme _scheme = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scheme = FingerprintInputs.Scheme(BenchmarkInputs.O200kVocabulary);
        _tokens = FingerprintInputs.Generate(_scheme, TenantId.FromName(FingerprintInputs.TenantName(7)), TokenCount, seed: 5);

        // Guard the input: the stream must carry the watermark, and decode must see what zero-bit scoring sees.
        DetectionResult zeroBit = _scheme.ZeroBit.Detect(_tokens);
        FingerprintEvidence evidence = _scheme.Decode(_tokens);
        if (zeroBit.Log10PValue > -100 || evidence.Green != zeroBit.GreenTokens || evidence.Scored != zeroBit.ScoredTokens)
        {
            throw new InvalidOperationException($"The benchmark input is not as intended: zero-bit {zeroBit}, decode {evidence.Green} green of {evidence.Scored}.");
        }
    }

    /// <summary>The floor: plain zero-bit scoring (KGW LeftHash detection) of the same tokens.</summary>
    [Benchmark(Baseline = true)]
    public DetectionResult ZeroBitDetect() => _scheme.ZeroBit.Detect(_tokens);

    /// <summary>Reading and hashing each id once, for reference: no detector can beat it.</summary>
    [Benchmark]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_tokens);

    /// <summary>One pass that collects the per-position colour counts of the whole codeword.</summary>
    [Benchmark]
    public FingerprintEvidence Decode() => _scheme.Decode(_tokens);

    private sealed class Config : KgwBenchmarkConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn(TokenCount));
    }
}
