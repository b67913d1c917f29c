using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Unigram;

namespace Distill.Benchmarks.Unigram;

/// <summary>
/// One embedding step of Unigram (validate the logits, add delta to the fixed green half of the
/// vocabulary) beside the floor of one vectorized pass that adds a constant to the same span.
/// </summary>
/// <remarks>In place, without restoring the span, for the reasons <see cref="LeftHashBiasBenchmarks"/> gives.</remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class UnigramBiasBenchmarks
{
    private float[] _logits = [];
    private WatermarkSession _session = null!;
    private float _constant = 0.5f;

    [Params(BenchmarkInputs.Llama2Vocabulary, BenchmarkInputs.Llama3Vocabulary, BenchmarkInputs.O200kVocabulary)]
    public int VocabularySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(VocabularySize);
        var scheme = UnigramScheme.Create(BenchmarkInputs.Key(), UnigramOptions.Default, VocabularySize);
        _session = scheme.CreateSession([]);
        float[] viaSession = (float[])_logits.Clone();
        _session.ProcessLogits(viaSession);
        if (viaSession.AsSpan().SequenceEqual(_logits))
        {
            throw new InvalidOperationException("The session did not bias.");
        }
    }

    /// <summary>The floor: one vectorized pass adding a constant to every logit.</summary>
    [Benchmark(Baseline = true)]
    public void AddConstant()
    {
        ConstantAdd.AddInPlace(_logits, _constant);
        _constant = -_constant;
    }

    /// <summary>The session's step: validation and the bias pass.</summary>
    [Benchmark]
    public void ProcessLogits() => _session.ProcessLogits(_logits);
}
