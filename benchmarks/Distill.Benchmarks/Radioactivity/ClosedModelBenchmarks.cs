using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Distill.Benchmarks.Kgw;
using Distill.Detection;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Radioactivity;
using Distill.SynthId;

namespace Distill.Benchmarks.Radioactivity;

/// <summary>
/// The closed-model radioactivity test over 10,000,000 suspect tokens (10,000 outputs of 1,000
/// tokens, Zipf-like ids over the o200k_base vocabulary, so contexts repeat as in text), with
/// corpus-wide deduplication: unsupervised, and with 500,000 prompt tokens excluded and a supervised
/// filter of 1,000,000 tokens of our outputs. Beside it, in the same run: plain scoring of the same
/// tokens (the scheme's accumulator without deduplication) and the floor of reading and hashing each
/// id once, and the accumulator with its own corpus-wide deduplication.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ClosedModelBenchmarks
{
    public const int Outputs = 10_000;
    public const int OutputLength = 1_000;
    public const int TokenCount = Outputs * OutputLength;

    private static readonly DetectionOptions s_plain = new() { Deduplicate = false };

    private int[][] _outputs = [];
    private int[] _all = [];
    private int[][] _prompts = [];
    private WatermarkScheme _scheme = null!;
    private ContextFilter _filter = null!;

    [Params("kgw-lefthash-2", "gumbel", "synthid")]
    public string Scheme { get; set; } = "kgw-lefthash-2";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(77);
        _outputs = new int[Outputs][];
        _all = new int[TokenCount];
        for (int d = 0; d < Outputs; d++)
        {
            _outputs[d] = ZipfTokens(random, OutputLength);
            _outputs[d].CopyTo(_all, d * OutputLength);
        }

        _prompts = new int[5_000][];
        for (int p = 0; p < _prompts.Length; p++)
        {
            _prompts[p] = ZipfTokens(random, 100);
        }

        int v = BenchmarkInputs.O200kVocabulary;
        WatermarkKey key = BenchmarkInputs.Key();
        _scheme = Scheme switch
        {
            "gumbel" => GumbelScheme.Create(key, GumbelOptions.Default, v),
            "synthid" => SynthIdScheme.Create(key, SynthIdOptions.Default, v),
            _ => KgwScheme.Create(key, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = 2, Gamma = 0.25, Delta = 3 }, v),
        };

        var ours = new ReadOnlyMemory<int>[1_000];
        for (int d = 0; d < ours.Length; d++)
        {
            ours[d] = ZipfTokens(random, 1_000);
        }

        _filter = ContextFilter.Create(_scheme, ours);
    }

    /// <summary>The floor: read every token id once and hash it once.</summary>
    [Benchmark(Baseline = true)]
    public ulong ReadAndHashOnce() => BenchmarkInputs.ReadAndHashOnce(_all);

    /// <summary>Plain scoring: the scheme's accumulator over the same outputs, without deduplication.</summary>
    [Benchmark]
    public DetectionResult PlainScoring()
    {
        WatermarkAccumulator accumulator = _scheme.CreateAccumulator(s_plain);
        foreach (int[] output in _outputs)
        {
            accumulator.Append(output);
            accumulator.EndDocument();
        }

        return accumulator.GetResult();
    }

    /// <summary>Detection's own corpus-wide deduplication: the scheme's accumulator with its default options.</summary>
    [Benchmark]
    public DetectionResult DeduplicatedScoring()
    {
        WatermarkAccumulator accumulator = _scheme.CreateAccumulator();
        foreach (int[] output in _outputs)
        {
            accumulator.Append(output);
            accumulator.EndDocument();
        }

        return accumulator.GetResult();
    }

    /// <summary>The closed-model test, unsupervised: every output, deduplicated across the corpus.</summary>
    [Benchmark]
    public RadioactivityResult ClosedUnsupervised()
    {
        var test = new ClosedModelTest(_scheme);
        foreach (int[] output in _outputs)
        {
            test.AddOutput(output);
        }

        return test.GetResult();
    }

    /// <summary>The closed-model test with 500,000 prompt tokens excluded and the supervised filter.</summary>
    [Benchmark]
    public RadioactivityResult ClosedSupervisedWithPrompts()
    {
        var test = new ClosedModelTest(_scheme, new RadioactivityOptions { Filter = _filter });
        foreach (int[] prompt in _prompts)
        {
            test.AddPrompt(prompt);
        }

        foreach (int[] output in _outputs)
        {
            test.AddOutput(output);
        }

        return test.GetResult();
    }

    /// <summary>Ids with P(rank r) falling like a power law over the 37,000 ids a corpus uses: contexts repeat as in text.</summary>
    private static int[] ZipfTokens(Random random, int count)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = (int)(37_000 * Math.Pow(random.NextDouble(), 3.0));
        }

        return tokens;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithId("Radioactivity").AsDefault());
            AddColumn(new TokensPerSecondColumn(TokenCount));
        }
    }
}
