using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Distill.GreenList;

namespace Distill.Benchmarks.Kgw;

/// <summary>
/// One embedding step of KGW LeftHash (context width 1): validate the logits and add delta to the
/// green quarter of the vocabulary, an O(vocabulary) pass. The floor is one vectorized pass that adds a
/// constant to the same span (<see cref="ConstantAdd"/>).
/// </summary>
/// <remarks>
/// <para>
/// Every benchmark modifies the same span in place, again and again, without restoring it: a copy from
/// a pristine source would add a second pass of memory traffic as large as the work measured and hide
/// the ratio between them. The two adds alternate +c and -c, so their values stay where they started. The
/// session always has the same context, so each call adds delta to the same green tokens; their values
/// grow by 2 per call (a few million at most over a run), which keeps them finite, and neither the
/// validation nor the bias pass depends on the values (integer hashing and a branch-free select).
/// </para>
/// <para>The session is created once, with a prompt that fills its context, so every call biases.</para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class LeftHashBiasBenchmarks
{
    private float[] _logits = [];
    private WatermarkSession _session = null!;
    private float _constant = 0.5f;
    private ulong _seed;
    private uint _threshold;
    private float _delta;

    [Params(BenchmarkInputs.Llama2Vocabulary, BenchmarkInputs.Llama3Vocabulary, BenchmarkInputs.O200kVocabulary)]
    public int VocabularySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(VocabularySize);
        var scheme = KgwScheme.Create(BenchmarkInputs.Key(), KgwOptions.LeftHash, VocabularySize);
        int[] prompt = BenchmarkInputs.Prompt(VocabularySize);
        _session = scheme.CreateSession(prompt);

        // The seed ProcessLogits derives from the same context (the last prompt token).
        var window = default(HashWindow);
        window.Push(scheme.Prf.TokenHash(prompt[^1]), 1);
        _seed = scheme.Seed(ref window, 0);
        _threshold = scheme.Threshold;
        _delta = scheme.DeltaSingle;

        // Guard the benchmark itself: the session must bias (its context is full), exactly as the pass alone does.
        float[] viaSession = (float[])_logits.Clone();
        _session.ProcessLogits(viaSession);
        float[] viaPass = (float[])_logits.Clone();
        GreenBias.Apply(viaPass, _seed, _threshold, _delta);
        if (viaSession.AsSpan().SequenceEqual(_logits) || !viaSession.AsSpan().SequenceEqual(viaPass))
        {
            throw new InvalidOperationException("The benchmark setup does not reproduce the session's bias pass.");
        }
    }

    /// <summary>The floor: one vectorized pass adding a constant to every logit.</summary>
    [Benchmark(Baseline = true)]
    public void AddConstant()
    {
        ConstantAdd.AddInPlace(_logits, _constant);
        _constant = -_constant;
    }

    /// <summary>
    /// The same pass through <see cref="TensorPrimitives.Add(ReadOnlySpan{float}, float, Span{float})"/>, for
    /// reference: its non-temporal stores above 256 KiB make it slower than the floor on a span reused at once.
    /// </summary>
    [Benchmark]
    public void TensorPrimitivesAdd()
    {
        TensorPrimitives.Add(_logits, _constant, _logits);
        _constant = -_constant;
    }

    /// <summary>The public embedding step: validation (no NaN, no +infinity, right length) plus the bias pass.</summary>
    [Benchmark]
    public void ProcessLogits() => _session.ProcessLogits(_logits);

    /// <summary>The bias pass alone (internal <c>GreenBias.Apply</c> with the session's seed), without the validation pass.</summary>
    [Benchmark]
    public void BiasPassOnly() => GreenBias.Apply(_logits, _seed, _threshold, _delta);
}
