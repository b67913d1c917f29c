using System.IO;
using BenchmarkDotNet.Attributes;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.OnnxRuntimeGenAI;
using Distill.OnnxRuntimeGenAI.Tests;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Distill.Benchmarks.OnnxRuntimeGenAI;

/// <summary>
/// One token through ONNX Runtime GenAI on the tests' bigram decoder (vocabulary 32,000, hidden
/// size 64): the plain generator step is the floor; the watermarked steps add the logits' round
/// trip through the C API and the scheme. The sequence is rewound to the prompt before it fills.
/// <c>AppendStep</c> (the model run alone) is the floor of the choice schemes' path.
/// </summary>
[MemoryDiagnoser]
public class WatermarkedGeneratorBenchmarks
{
    private const int Vocabulary = 32_000;
    private const int MaxLength = 2048;
    private static readonly int[] s_prompt = [1, 5, 6, 7, 8];

    private string _folder = null!;
    private Model _model = null!;
    private Generator _plain = null!;
    private Generator _append = null!;
    private int _next = 2;
    private Generator _kgwGenerator = null!;
    private Generator _gumbelGenerator = null!;
    private WatermarkedGenerator _kgw = null!;
    private WatermarkedGenerator _gumbel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = TinyDecoderModel.Write(Vocabulary, hiddenSize: 64, scale: 0.5f, seed: 7);
        _model = new Model(_folder);
        WatermarkKey key = WatermarkKey.FromIntegers([1, 2, 3, 4]);
        _plain = CreateGenerator();
        _plain.AppendTokens(s_prompt);
        _append = CreateGenerator();
        _append.AppendTokens(s_prompt);
        _kgwGenerator = CreateGenerator();
        _kgw = new WatermarkedGenerator(_kgwGenerator, KgwScheme.Create(key, null, Vocabulary).CreateSession([]));
        _kgw.AppendPrompt(s_prompt);
        _gumbelGenerator = CreateGenerator();
        _gumbel = new WatermarkedGenerator(_gumbelGenerator, GumbelScheme.Create(key, null, Vocabulary).CreateSession([]));
        _gumbel.AppendPrompt(s_prompt);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kgw.Dispose();
        _gumbel.Dispose();
        _plain.Dispose();
        _append.Dispose();
        _kgwGenerator.Dispose();
        _gumbelGenerator.Dispose();
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The floor: the generator's own step (model, sampling) and reading the token.</summary>
    [Benchmark(Baseline = true)]
    public int PlainStep()
    {
        if (_plain.TokenCount() >= MaxLength - 1)
        {
            _plain.RewindTo((ulong)s_prompt.Length);
        }

        _plain.GenerateNextToken();
        return _plain.GetNextTokens()[0];
    }

    /// <summary>The model alone: append a token the caller picked (the choice schemes' path without logits or scheme).</summary>
    [Benchmark]
    public int AppendStep()
    {
        if (_append.TokenCount() >= MaxLength - 1)
        {
            _append.RewindTo((ulong)s_prompt.Length);
        }

        _next = _next >= Vocabulary - 1 ? 2 : _next + 1;
        _append.AppendTokens(new System.ReadOnlySpan<int>(in _next));
        return _next;
    }

    /// <summary>KGW SelfHash h=4: logits read, biased, written back, sampled by the generator.</summary>
    [Benchmark]
    public int KgwStep() => Step(_kgw, _kgwGenerator);

    /// <summary>Gumbel-max: logits read, the token chosen by the scheme and appended.</summary>
    [Benchmark]
    public int GumbelStep() => Step(_gumbel, _gumbelGenerator);

    private static int Step(WatermarkedGenerator watermarked, Generator generator)
    {
        if (generator.TokenCount() >= MaxLength - 1)
        {
            generator.RewindTo((ulong)s_prompt.Length);
            watermarked.Session.Reset(s_prompt);
        }

        return watermarked.GenerateNextToken();
    }

    private Generator CreateGenerator()
    {
        using var parameters = new GeneratorParams(_model);
        parameters.SetSearchOption("max_length", MaxLength);
        parameters.SetSearchOption("random_seed", 1);
        parameters.SetSearchOption("do_sample", true);
        return new Generator(_model, parameters);
    }
}
