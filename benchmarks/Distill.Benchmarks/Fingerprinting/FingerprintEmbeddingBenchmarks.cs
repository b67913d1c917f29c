using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Fingerprinting;

namespace Distill.Benchmarks.Fingerprinting;

/// <summary>
/// The embedding cost per token at vocabulary 200,019: a tenant's fingerprint session beside the
/// plain KGW LeftHash session of the same zero-bit layer (<see cref="FingerprintScheme.ZeroBit"/>:
/// h = 2, gamma 0.5, delta 3) and the floor of one vectorized pass adding a constant to the span.
/// </summary>
/// <remarks>
/// <c>ProcessLogits</c> biases with a fixed context (the prompt's), as <see cref="LeftHashBiasBenchmarks"/>
/// does; <c>Step</c> is a whole generation step, <c>ProcessLogits</c> then <c>Accept</c> of the next of
/// 4,096 fixed random ids, so the context, the green list and (for the fingerprint) the codeword
/// position change every call. The span is modified in place and never restored, for the reasons
/// <see cref="LeftHashBiasBenchmarks"/> gives; it stays finite (a few million at most).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class FingerprintEmbeddingBenchmarks
{
    private const int VocabularySize = BenchmarkInputs.O200kVocabulary;

    private float[] _logits = [];
    private int[] _next = [];
    private int _step;
    private float _constant = 0.5f;
    private WatermarkSession _leftHash = null!;
    private WatermarkSession _fingerprint = null!;
    private WatermarkSession _leftHashSteps = null!;
    private WatermarkSession _fingerprintSteps = null!;

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(VocabularySize);
        _next = BenchmarkInputs.RandomTokens(4_096, VocabularySize, seed: 99);
        FingerprintScheme scheme = FingerprintInputs.Scheme(VocabularySize);
        int[] prompt = BenchmarkInputs.Prompt(VocabularySize);
        var tenant = TenantId.FromName(FingerprintInputs.TenantName(42));
        _leftHash = scheme.ZeroBit.CreateSession(prompt);
        _fingerprint = scheme.CreateSession(tenant, prompt);
        _leftHashSteps = scheme.ZeroBit.CreateSession(prompt);
        _fingerprintSteps = scheme.CreateSession(tenant, prompt);

        // Guard the benchmark: both sessions bias, and the tenant's bias is not the zero-bit one.
        float[] plain = (float[])_logits.Clone();
        float[] marked = (float[])_logits.Clone();
        _leftHash.ProcessLogits(plain);
        _fingerprint.ProcessLogits(marked);
        if (plain.AsSpan().SequenceEqual(_logits) || marked.AsSpan().SequenceEqual(_logits) || marked.AsSpan().SequenceEqual(plain))
        {
            throw new InvalidOperationException("The sessions do not bias as intended.");
        }
    }

    /// <summary>The floor: one vectorized pass adding a constant to every logit.</summary>
    [Benchmark(Baseline = true)]
    public void AddConstant()
    {
        ConstantAdd.AddInPlace(_logits, _constant);
        _constant = -_constant;
    }

    /// <summary>The KGW LeftHash session's bias step (fixed context).</summary>
    [Benchmark]
    public void LeftHashProcessLogits() => _leftHash.ProcessLogits(_logits);

    /// <summary>The tenant's fingerprint session's bias step (fixed context).</summary>
    [Benchmark]
    public void FingerprintProcessLogits() => _fingerprint.ProcessLogits(_logits);

    /// <summary>A whole KGW LeftHash step: bias, then accept the next token.</summary>
    [Benchmark]
    public void LeftHashStep()
    {
        _leftHashSteps.ProcessLogits(_logits);
        _leftHashSteps.Accept(_next[_step = (_step + 1) & 4_095]);
    }

    /// <summary>A whole fingerprint step: bias, then accept the next token.</summary>
    [Benchmark]
    public void FingerprintStep()
    {
        _fingerprintSteps.ProcessLogits(_logits);
        _fingerprintSteps.Accept(_next[_step = (_step + 1) & 4_095]);
    }
}
