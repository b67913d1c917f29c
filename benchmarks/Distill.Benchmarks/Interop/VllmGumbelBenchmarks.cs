using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Interop;

namespace Distill.Benchmarks.Interop;

/// <summary>
/// The vllm-gumbel profile at V = 128,256 (Llama 3) with vLLM's defaults (context width 4): one
/// sampling step (vLLM's Gumbel-max pick over the full vocabulary: one Philox4x32-10 call per four ids
/// and a float32 -log(-log u) per id), the same with the logits truncated to the top 50 (-inf
/// elsewhere, as after top-k), and detection of 20,000 tokens with vLLM's context deduplication
/// (Distill's conservative p-value and vLLM's own figures, single and dual key). The floor is one
/// vectorized pass over the same logits.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class VllmGumbelBenchmarks
{
    private const int V = BenchmarkInputs.Llama3Vocabulary;
    private const int DetectionLength = 20_000;

    private float[] _logits = [];
    private float[] _topK = [];
    private float _constant = 0.5f;
    private VllmGumbelScheme _single = null!;
    private VllmGumbelScheme _dual = null!;
    private VllmGumbelSession _session = null!;
    private int[] _text = [];

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(V);
        _topK = (float[])_logits.Clone();
        float[] sorted = (float[])_logits.Clone();
        Array.Sort(sorted);
        float cut = sorted[^50];
        for (int i = 0; i < _topK.Length; i++)
        {
            _topK[i] = _topK[i] >= cut ? _topK[i] : float.NegativeInfinity;
        }

        WatermarkKey key = WatermarkKey.FromIntegers([15726070495360670683]);
        _single = VllmGumbelScheme.Create(key, VllmOptions.Default, V);
        _dual = VllmGumbelScheme.Create(key, VllmOptions.DualKeyDefault, V);
        _session = (VllmGumbelSession)_single.CreateSession([], routingSeed: 1);
        _text = BenchmarkInputs.RandomTokens(DetectionLength, V, seed: 77);
    }

    /// <summary>The floor: one vectorized pass adding a constant to every logit.</summary>
    [Benchmark(Baseline = true)]
    public void AddConstant()
    {
        ConstantAdd.AddInPlace(_logits, _constant);
        _constant = -_constant;
    }

    /// <summary>vLLM's watermarked pick over the full vocabulary (the context never repeats: the session is not advanced).</summary>
    [Benchmark]
    public int ChooseFullVocabulary() => _session.ChooseToken(_logits, useKeyB: false);

    /// <summary>The same pick after top-50 truncation: masked ids cost no logarithm.</summary>
    [Benchmark]
    public int ChooseTop50() => _session.ChooseToken(_topK, useKeyB: false);

    /// <summary>Distill's detection (conservative p-value) of 20,000 tokens, one key.</summary>
    [Benchmark(OperationsPerInvoke = DetectionLength)]
    public double DetectSingleKey() => _single.Detect(_text).Log10PValue;

    /// <summary>Distill's detection of 20,000 tokens, dual key (two absorptions and two words per token).</summary>
    [Benchmark(OperationsPerInvoke = DetectionLength)]
    public double DetectDualKey() => _dual.Detect(_text).Log10PValue;

    /// <summary>vLLM's own figures for the same 20,000 tokens, one key.</summary>
    [Benchmark(OperationsPerInvoke = DetectionLength)]
    public double DetectReference() => _single.DetectReference(_text, deduplicate: true).Log10PValue ?? double.NaN;
}
