using System;
using BenchmarkDotNet.Attributes;
using Distill.Benchmarks.Kgw;
using Distill.ExpEdit;

namespace Distill.Benchmarks.ExpEdit;

/// <summary>
/// EXP-edit detection of one 256-token text (key length 256, block length 256) at a p-value floor of
/// 1e-3 (999 fresh keys), and by the closed-form test (no floor), beside one alignment scoring of the
/// same text under the real key.
/// </summary>
/// <remarks>
/// The watermarked text reaches the floor, so early stopping cannot help it; the unwatermarked text
/// shows what early stopping (10 hits) saves on text that carries no watermark.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(KgwBenchmarkConfig))]
public class ExpEditDetectionBenchmarks
{
    private const int Vocabulary = 32_000;
    private readonly ExpEditDetectionOptions _full = new() { Resamples = 999, EarlyStopHits = 0 };
    private readonly ExpEditDetectionOptions _early = new() { Resamples = 999, EarlyStopHits = 10 };
    private readonly ExpEditDetectionOptions _closed = new() { Test = ExpEditTest.GammaBound };
    private ExpEditScheme _scheme = null!;
    private int[] _watermarked = [];
    private int[] _plain = [];

    [GlobalSetup]
    public void Setup()
    {
        _scheme = ExpEditScheme.Create(BenchmarkInputs.Key(), null, Vocabulary);
        var session = _scheme.CreateSession([], 0);
        var random = new Random(3);
        var logits = new float[Vocabulary];
        _watermarked = new int[256];
        for (int i = 0; i < _watermarked.Length; i++)
        {
            for (int v = 0; v < Vocabulary; v++)
            {
                logits[v] = (float)(random.NextDouble() * 8.0);
            }

            session.ProcessLogits(logits);
            _watermarked[i] = Array.FindIndex(logits, float.IsFinite);
            session.Accept(_watermarked[i]);
        }

        _plain = BenchmarkInputs.RandomTokens(256, Vocabulary);
    }

    /// <summary>The floor: one alignment of the text with the real key (cost matrix and dynamic programme).</summary>
    [Benchmark(Baseline = true)]
    public float OneAlignment() => _scheme.AlignmentCost(_watermarked);

    /// <summary>The permutation test with 999 fresh keys, all of them run (watermarked text).</summary>
    [Benchmark]
    public double Watermarked999() => _scheme.Detect(_watermarked, null, _full).Result.Log10PValue;

    /// <summary>The same test on unwatermarked text, all 999 fresh keys.</summary>
    [Benchmark]
    public double Unwatermarked999() => _scheme.Detect(_plain, null, _full).Result.Log10PValue;

    /// <summary>Unwatermarked text with early stopping after 10 hits.</summary>
    [Benchmark]
    public double Unwatermarked999EarlyStop() => _scheme.Detect(_plain, null, _early).Result.Log10PValue;

    /// <summary>The closed-form test (<see cref="ExpEditTest.GammaBound"/>): one cost matrix, prefix sums along the diagonals, no floor.</summary>
    [Benchmark]
    public double WatermarkedClosedForm() => _scheme.Detect(_watermarked, null, _closed).Result.Log10PValue;
}
