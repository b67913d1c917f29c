using System;
using BenchmarkDotNet.Attributes;
using Distill.GreenList;

namespace Distill.Benchmarks.Kgw;

/// <summary>
/// One embedding step of KGW SelfHash with the default options (gamma 0.25, delta 2, context width 4,
/// 40 candidates): validate the logits, select the 40 highest, and add delta to those that are green
/// under their own seed. The floor is one vectorized pass that adds a constant to the same span (<see cref="ConstantAdd"/>).
/// </summary>
/// <remarks>
/// The logits are normal with a fixed seed, so the top-40 selection scans values in random order, as
/// on a real model's output. As in <see cref="LeftHashBiasBenchmarks"/>, both benchmarks work in place
/// without restoring the span: the floor alternates +c and -c; the session adds delta to the green
/// candidates of the same context at each call, which only raises values already among the top 40: the
/// set selected is the same at every call, and the scan's running minimum can only be higher than on
/// fresh logits (a little less work, never more). A trial variant that restored the logits from a copy
/// before each call measured the same within noise.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class SelfHashStepBenchmarks
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
        var scheme = KgwScheme.Create(BenchmarkInputs.Key(), KgwOptions.Default, VocabularySize);
        _session = scheme.CreateSession(BenchmarkInputs.Prompt(VocabularySize));

        // Guard the benchmark itself: with a full context, some of the 40 candidates are green.
        float[] viaSession = (float[])_logits.Clone();
        _session.ProcessLogits(viaSession);
        if (viaSession.AsSpan().SequenceEqual(_logits))
        {
            throw new InvalidOperationException("The session did not bias any candidate.");
        }
    }

    /// <summary>The floor: one vectorized pass adding a constant to every logit.</summary>
    [Benchmark(Baseline = true)]
    public void AddConstant()
    {
        ConstantAdd.AddInPlace(_logits, _constant);
        _constant = -_constant;
    }

    /// <summary>The public embedding step: validation, top-40 selection, 40 seeds and green tests.</summary>
    [Benchmark]
    public void ProcessLogits() => _session.ProcessLogits(_logits);
}
