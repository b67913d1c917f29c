using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.SynthId;

namespace Distill.Benchmarks.SynthId;

/// <summary>
/// One SynthID-Text embedding step with the default options (depth 30, context width 4, top-40):
/// validate, select the top 40, softmax, 40 g-words, 30 tournament layers, write the log-probabilities.
/// The floor is plain vectorized softmax sampling over the same span (max, exp-sum, inverse CDF).
/// </summary>
/// <remarks>
/// The step rewrites the logits (every non-candidate becomes negative infinity), so every benchmark
/// first restores the span from a copy; <see cref="CopyOnly"/> measures that copy alone.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class SynthIdStepBenchmarks
{
    private float[] _source = [];
    private float[] _logits = [];
    private float[] _scratch = [];
    private WatermarkSession _session = null!;
    private Random _random = null!;

    [Params(BenchmarkInputs.Llama2Vocabulary, BenchmarkInputs.Llama3Vocabulary)]
    public int VocabularySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = BenchmarkInputs.NormalLogits(VocabularySize);
        _logits = (float[])_source.Clone();
        _scratch = new float[VocabularySize];
        _random = new Random(5);
        var scheme = SynthIdScheme.Create(BenchmarkInputs.Key(), SynthIdOptions.Default, VocabularySize);
        _session = scheme.CreateSession(BenchmarkInputs.Prompt(VocabularySize));
        _session.ProcessLogits(_logits);
        if (_logits.AsSpan().SequenceEqual(_source))
        {
            throw new InvalidOperationException("The session did not watermark the step.");
        }
    }

    /// <summary>The floor: restore the span, then plain softmax sampling over it.</summary>
    [Benchmark(Baseline = true)]
    public int CopyAndSample()
    {
        _source.CopyTo(_logits, 0);
        return SoftmaxSampler.Sample(_logits, _scratch, _random.NextDouble());
    }

    /// <summary>Restoring the span alone.</summary>
    [Benchmark]
    public void CopyOnly() => _source.CopyTo(_logits, 0);

    /// <summary>Restore, then the public embedding step.</summary>
    [Benchmark]
    public void CopyAndProcessLogits()
    {
        _source.CopyTo(_logits, 0);
        _session.ProcessLogits(_logits);
    }

    /// <summary>Restore, embed, then the same softmax sampling over the rewritten span: a whole watermarked step.</summary>
    [Benchmark]
    public int CopyProcessAndSample()
    {
        _source.CopyTo(_logits, 0);
        _session.ProcessLogits(_logits);
        return SoftmaxSampler.Sample(_logits, _scratch, _random.NextDouble());
    }
}
