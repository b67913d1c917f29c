using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Benchmarks.SynthId;
using Distill.Detection;
using Distill.Interop;

namespace Distill.Benchmarks.Interop;

/// <summary>
/// The hf-synthid profile (depth 30, the reference's keys, n-gram 5, table 2^16): one processor step
/// (transformers' update_scores in torch's float32 order) at vocabularies 32,000 and 128,256, beside a
/// plain vectorized softmax pass over the same logits; and detection throughput over 100,000 random
/// generated tokens. Reference figures (torch 1.13, one thread): about 11 ms per step at 32k, 50-240 ms
/// at 128k; about 22,000 tokens/s scoring.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class HfSynthIdBenchmarks
{
    public const int ScoredTokens = 100_000;

    private static readonly ulong[] s_keys = [654, 400, 836, 123, 340, 443, 597, 160, 57, 29, 590, 639, 13, 715, 468, 990, 966, 226, 324, 585, 118, 504, 421, 521, 129, 669, 732, 225, 90, 960];
    private HfSynthIdScheme _scheme = null!;
    private WatermarkSession _session = null!;
    private float[] _logits = [];
    private float[] _work = [];
    private int[] _tokens = [];
    private WatermarkAccumulator _accumulator = null!;
    private int _next;

    [Params(32_000, 128_256)]
    public int VocabularySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(s_keys), null, VocabularySize);
        _session = _scheme.CreateSession([]);
        _logits = BenchmarkInputs.NormalLogits(VocabularySize);
        _work = new float[VocabularySize];
        _tokens = BenchmarkInputs.RandomTokens(ScoredTokens, VocabularySize);
        _accumulator = _scheme.CreateAccumulator();
        _accumulator.Append(_tokens);
    }

    /// <summary>The floor: a plain vectorized softmax sample over the same logits.</summary>
    [Benchmark(Baseline = true)]
    public int SoftmaxSample() => SoftmaxSampler.Sample(_logits, _work, 0.5);

    /// <summary>One processor step: copy the logits, watermark them, accept a fresh token (so no context repeats).</summary>
    [Benchmark]
    public float ProcessorStep()
    {
        _logits.CopyTo(_work, 0);
        _session.ProcessLogits(_work);
        _session.Accept(_next = (_next + 7919) % VocabularySize);
        return _work[0];
    }

    /// <summary>Mean detection (distinct n-grams, exact tail over random keys) of 100,000 tokens, per token.</summary>
    [Benchmark(OperationsPerInvoke = ScoredTokens)]
    public DetectionResult DetectPerToken() => _scheme.Detect(_tokens);

    /// <summary>The fixed cost of one result: the correlation at every key offset (two FFTs of 2^16) and the exact tail, over 100,000 scored tokens.</summary>
    [Benchmark]
    public DetectionResult AccumulatorResult() => _accumulator.GetResult();

    /// <summary>The weighted result of the same accumulator (the same correlation, then a Chernoff bound).</summary>
    [Benchmark]
    public DetectionResult AccumulatorWeightedResult() => _scheme.GetWeightedResult(_accumulator);

    private sealed class Config : KgwBenchmarkConfig
    {
    }
}
