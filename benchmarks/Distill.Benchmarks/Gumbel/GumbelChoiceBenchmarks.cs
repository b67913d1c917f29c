using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.Gumbel;

namespace Distill.Benchmarks.Gumbel;

/// <summary>
/// Gumbel-max choice vs plain Gumbel-max sampling with a system RNG, over one step's logits
/// (normal, mean 0, standard deviation 2, fixed seed) at the vocabularies of Llama 2 (32,000),
/// Llama 3 (128,256) and o200k_base (200,019).
/// </summary>
/// <remarks>
/// The floor draws one uniform per token from <see cref="Random"/> (unseeded: xoshiro256**), adds
/// the Gumbel noise -ln(-ln u) and takes the argmax: plain, unwatermarked Gumbel-max sampling over the
/// same span. <see cref="ChooseToken"/> is the watermarked choice (the keyed uniforms and the
/// log-free filter); <see cref="ChooseTokenScalar"/> the same without AVX-512;
/// <see cref="ExhaustiveKeyed"/> evaluates both logarithms on every token, as a direct implementation
/// would; <see cref="ProcessLogits"/> copies the logits and makes them one-hot (the copy is needed
/// because one-hot logits cannot be processed again).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class GumbelChoiceBenchmarks
{
    private readonly Random _random = new();
    private float[] _logits = [];
    private float[] _work = [];
    private GumbelSession _session = null!;
    private ulong _seed;

    [Params(BenchmarkInputs.Llama2Vocabulary, BenchmarkInputs.Llama3Vocabulary, BenchmarkInputs.O200kVocabulary)]
    public int VocabularySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(VocabularySize);
        _work = new float[VocabularySize];
        var scheme = GumbelScheme.Create(BenchmarkInputs.Key(), GumbelOptions.Default, VocabularySize);
        _session = (GumbelSession)scheme.CreateSession(BenchmarkInputs.Prompt(VocabularySize));
        _seed = 0x0123456789ABCDEFUL;
    }

    /// <summary>The floor: argmax of logits plus Gumbel noise from the system RNG.</summary>
    [Benchmark(Baseline = true)]
    public int GumbelMaxSystemRandom()
    {
        ReadOnlySpan<float> logits = _logits;
        int best = -1;
        double bestValue = double.NegativeInfinity;
        for (int v = 0; v < logits.Length; v++)
        {
            double u = _random.NextDouble();
            double value = logits[v] - Math.Log(-Math.Log(u));
            if (value > bestValue)
            {
                bestValue = value;
                best = v;
            }
        }

        return best;
    }

    [Benchmark]
    public int ChooseToken() => _session.ChooseToken(_logits);

    [Benchmark]
    public int ChooseTokenScalar()
    {
        bool saved = GumbelChoice.UseVector512;
        GumbelChoice.UseVector512 = false;
        int token = _session.ChooseToken(_logits);
        GumbelChoice.UseVector512 = saved;
        return token;
    }

    [Benchmark]
    public int ExhaustiveKeyed() => GumbelChoice.ChooseExhaustive(_logits, _seed);

    [Benchmark]
    public float ProcessLogits()
    {
        _logits.CopyTo(_work, 0);
        _session.ProcessLogits(_work);
        return _work[0];
    }
}
