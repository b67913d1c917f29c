using System;
using System.Buffers;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.LLamaSharp;
using LLama.Native;

namespace Distill.Benchmarks.LLamaSharp;

/// <summary>
/// One generation step of the LLamaSharp adapter on Llama 3's vocabulary (128,256): the stage's
/// <see cref="WatermarkSamplerStage.Apply"/> on llama.cpp's candidate array (40 candidates sorted as
/// top-k leaves them, or the whole vocabulary unsorted), then <see cref="WatermarkSamplerStage.Accept"/>.
/// The baseline restores the same candidates and adds a constant to each logit: a plain pass over them;
/// <c>KgwSessionAlone</c> is the session's own pass over a vocabulary-sized span, the work the stage wraps.
/// </summary>
/// <remarks>
/// Every benchmark first restores the candidates from a pristine copy (the stages modify them), so the
/// copy is in the baseline too. The session is reset to its prompt every 1,024 steps, so its token history
/// stops growing after the first reset and the figure is the steady state of a long generation.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class LlamaStageBenchmarks
{
    private const int Vocabulary = BenchmarkInputs.Llama3Vocabulary;
    private LLamaTokenData[] _pristine = [];
    private LLamaTokenData[] _working = [];
    private MemoryHandle _pin;
    private LLamaTokenDataArrayNative _native;
    private WatermarkSamplerStage _kgw = null!;
    private WatermarkSamplerStage _gumbel = null!;
    private WatermarkSession _kgwSession = null!;
    private float[] _masked = [];
    private float[] _full = [];
    private int[] _prompt = [];
    private int _steps;

    /// <summary>Gets or sets the number of candidates llama.cpp passes: 40 (after top-k) or the whole vocabulary.</summary>
    [Params(40, Vocabulary)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        float[] logits = BenchmarkInputs.NormalLogits(Vocabulary);
        var random = new Random(11);
        int[] ids = Enumerable.Range(0, Vocabulary).OrderBy(_ => random.Next()).ToArray();
        _pristine = ids.Select(id => new LLamaTokenData((LLamaToken)id, logits[id], 0)).ToArray();
        if (Candidates < Vocabulary)
        {
            _pristine = _pristine.OrderByDescending(c => c.Logit).Take(Candidates).ToArray();
        }

        _working = (LLamaTokenData[])_pristine.Clone();
        _pin = LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_working, Candidates < Vocabulary), out _native);
        WatermarkKey key = BenchmarkInputs.Key();
        _prompt = BenchmarkInputs.Prompt(Vocabulary);
        _kgw = WatermarkSamplerStage.Create(KgwScheme.Create(key, KgwOptions.Default, Vocabulary), _prompt);
        _kgwSession = KgwScheme.Create(key, KgwOptions.Default, Vocabulary).CreateSession(_prompt);
        _masked = new float[Vocabulary];
        Array.Fill(_masked, float.NegativeInfinity);
        foreach (LLamaTokenData c in _pristine)
        {
            _masked[(int)c.ID] = c.Logit;
        }

        _full = new float[Vocabulary];
        _gumbel = WatermarkSamplerStage.Create(GumbelScheme.Create(key, GumbelOptions.Default, Vocabulary), _prompt);
    }

    [GlobalCleanup]
    public void Cleanup() => _pin.Dispose();

    [Benchmark(Baseline = true)]
    public float PlainPass()
    {
        _pristine.AsSpan().CopyTo(_working);
        float sum = 0;
        foreach (ref LLamaTokenData candidate in _native.Data)
        {
            candidate.Logit += 0.5f;
            sum += candidate.Logit;
        }

        return sum;
    }

    /// <summary>The KGW session alone on a vocabulary-sized span holding the same candidates (the rest masked): what the stage wraps.</summary>
    [Benchmark]
    public float KgwSessionAlone()
    {
        _masked.AsSpan().CopyTo(_full);
        _kgwSession.ProcessLogits(_full);
        return _full[(int)_pristine[0].ID];
    }

    [Benchmark]
    public long KgwBiasStage() => Step(_kgw);

    [Benchmark]
    public long GumbelChoiceStage() => Step(_gumbel);

    private long Step(WatermarkSamplerStage stage)
    {
        _pristine.AsSpan().CopyTo(_working);
        _native.Sorted = Candidates < Vocabulary;
        _native.Selected = 0;
        stage.Apply(ref _native);
        LLamaToken token = _native.Data[(int)_native.Selected].ID;
        stage.Accept(token);
        if (++_steps % 1024 == 0)
        {
            stage.Reset(_prompt);
        }

        return _native.Selected;
    }
}
