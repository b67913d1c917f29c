using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.GreenList;
using Distill.Interop;

namespace Distill.Benchmarks.Interop;

/// <summary>
/// The hf-kgw profile (transformers' KGW) at V = 128,256 with the reference's defaults (gamma 0.25,
/// bias 2; SelfHash with width 4): one processor step, LeftHash with its green list cached (warm) and
/// drawn afresh (cold), SelfHash following each of the 40 candidates through the generator or drawing
/// each candidate's whole list into the cache; and LeftHash detection of 20,000 Zipf-distributed tokens
/// with warm green lists. The floor is one vectorized pass adding a constant to the same logits.
/// </summary>
/// <remarks>
/// The reference measures 0.8-1.3 ms per LeftHash step, 39-56 ms per SelfHash step and about 1,000
/// tokens/s of detection at this vocabulary. SelfHash steps accept a new token from a fixed random
/// stream before each call, so every candidate's seed is new (the cold case, which is the common one).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class HfKgwBenchmarks
{
    private const int V = BenchmarkInputs.Llama3Vocabulary;
    private const ulong HashingKey = 15485863;
    private const int DetectionLength = 20_000;

    private float[] _logits = [];
    private float _constant = 0.5f;
    private HfKgwScheme _leftHash = null!;
    private HfKgwScheme _selfHash = null!;
    private WatermarkSession _leftSession = null!;
    private HfKgwSession _tracked = null!;
    private HfKgwSession _cached = null!;
    private ulong[] _bits = [];
    private int[] _stream = [];
    private int[] _text = [];
    private ulong _coldSeed = 1;
    private int _streamAt;

    [GlobalSetup]
    public void Setup()
    {
        _logits = BenchmarkInputs.NormalLogits(V);
        _leftHash = HfKgwScheme.FromHashingKey(HashingKey, HfKgwOptions.Default, V);
        _selfHash = HfKgwScheme.FromHashingKey(HashingKey, new HfKgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 }, V);
        int[] prompt = BenchmarkInputs.Prompt(V);
        _leftSession = _leftHash.CreateSession(prompt);
        _tracked = (HfKgwSession)_selfHash.CreateSession(prompt);
        _cached = (HfKgwSession)_selfHash.CreateSession(prompt);
        _cached.SelfHashUsesCache = true;
        _bits = new ulong[_leftHash.GreenLists.Words];
        _stream = BenchmarkInputs.RandomTokens(1 << 16, V, seed: 99);

        // Zipf-like text (log-uniform ranks, exponent about 1) over a random mapping of ranks to ids.
        var random = new Random(5);
        int[] idOfRank = Enumerable.Range(0, V).OrderBy(_ => random.Next()).ToArray();
        _text = new int[DetectionLength];
        for (int i = 0; i < _text.Length; i++)
        {
            _text[i] = idOfRank[Math.Min(V - 1, (int)Math.Exp(random.NextDouble() * Math.Log(V)) - 1)];
        }

        // Warm the LeftHash cache: the detection benchmark measures scoring with lists cached.
        _leftHash.Detect(_text);
        float[] check = (float[])_logits.Clone();
        _leftSession.ProcessLogits(check);
        Console.WriteLine($"// {_text.Distinct().Count()} distinct tokens in the detection text; {_leftHash.GreenLists.Count} lists cached of {_leftHash.GreenLists.Capacity}");
    }

    /// <summary>The floor: one vectorized pass adding a constant to every logit.</summary>
    [Benchmark(Baseline = true)]
    public void AddConstant()
    {
        ConstantAdd.AddInPlace(_logits, _constant);
        _constant = -_constant;
    }

    /// <summary>A LeftHash step whose green list is cached: validation and one masked vector pass.</summary>
    [Benchmark]
    public void LeftHashStepWarm() => _leftSession.ProcessLogits(_logits);

    /// <summary>A LeftHash step drawing its green list afresh (32,064 generator steps), then the same pass.</summary>
    [Benchmark]
    public void LeftHashStepCold()
    {
        _leftHash.GreenLists.Draw(_coldSeed++, _bits);
        HfKgwSession.AddBias(_logits, _bits, 2.0f);
    }

    /// <summary>A SelfHash step with new seeds: each of the 40 candidates followed through the generator.</summary>
    [Benchmark]
    public void SelfHashStepTracked()
    {
        _tracked.Accept(_stream[_streamAt++ & 0xFFFF]);
        _tracked.ProcessLogits(_logits);
    }

    /// <summary>The same SelfHash step drawing each candidate's whole green list into the cache instead.</summary>
    [Benchmark]
    public void SelfHashStepWholeLists()
    {
        _cached.Accept(_stream[_streamAt++ & 0xFFFF]);
        _cached.ProcessLogits(_logits);
    }

    /// <summary>LeftHash detection of 20,000 tokens with cached green lists, deduplicated on (seed, token).</summary>
    [Benchmark(OperationsPerInvoke = DetectionLength)]
    public long DetectWarmPerToken() => _leftHash.Detect(_text).GreenTokens;
}
