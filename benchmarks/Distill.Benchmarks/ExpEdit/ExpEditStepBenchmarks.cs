using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.ExpEdit;

namespace Distill.Benchmarks.ExpEdit;

/// <summary>
/// One EXP sampling step (argmax of xi^(1/p) over the vocabulary, keyed uniforms computed on the fly)
/// beside the floor: plain Gumbel-max sampling with a system random number generator over the same span.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class ExpEditStepBenchmarks
{
    private float[] _logits = [];
    private double[] _noise = [];
    private ExpEditScheme _scheme = null!;
    private Random _random = null!;
    private int _position;

    [Params(BenchmarkInputs.Llama2Vocabulary, BenchmarkInputs.Llama3Vocabulary)]
    public int VocabularySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(VocabularySize);
        _noise = new double[VocabularySize];
        _scheme = ExpEditScheme.Create(BenchmarkInputs.Key(), null, VocabularySize);
        _random = new Random(7);
    }

    /// <summary>The floor: Gumbel-max with <see cref="Random"/>: argmax of logit - ln(-ln U).</summary>
    [Benchmark(Baseline = true)]
    public int GumbelSystemRandom()
    {
        int best = -1;
        double bestValue = double.NegativeInfinity;
        for (int i = 0; i < _logits.Length; i++)
        {
            double value = _logits[i] - Math.Log(-Math.Log(1.0 - _random.NextDouble()));
            if (value > bestValue)
            {
                bestValue = value;
                best = i;
            }
        }

        return best;
    }

    /// <summary>The EXP choice at the next key position (what ProcessLogits does before writing the one-hot logits).</summary>
    [Benchmark]
    public int ExpChoose()
    {
        _position = (_position + 1) & 255;
        return _scheme.ChooseToken(_logits, _position);
    }
}
