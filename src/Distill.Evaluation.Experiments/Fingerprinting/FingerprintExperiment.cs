using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distill.Evaluation.Runner;
using Distill.Fingerprinting;
using Distill.Tokenizers;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>
/// The fingerprinting experiment: single-tenant tracing accuracy against text length and registry
/// size, false attribution on human and watermarked text, and the tokens a pooled corpus of 2, 4
/// or 8 colluders needs before one of them is accused.
/// </summary>
/// <remarks>
/// <para>
/// One <see cref="FingerprintScheme"/> (the defaults: KGW LeftHash h = 2, gamma 0.5, delta 3 as the
/// zero-bit watermark, 64 identity bits and 2,048 Tardos bits) under one master key from
/// <see cref="FingerprintExperimentOptions.Seed"/>. Tenant k is <c>TenantId.FromName("tenant-k")</c>;
/// the registry of size n holds tenants 0 to n - 1. Every text is the <see cref="BuiltInModel"/>'s
/// continuation of a 32-token held-out Brown prompt, sampled at temperature 1 without truncation
/// through <see cref="FingerprintScheme.CreateSession(TenantId, ReadOnlySpan{int})"/> (in the exact
/// rejection form of that session's distribution, which skips the model's pass over the whole
/// vocabulary), and is traced without its prompt.
/// </para>
/// <list type="number">
/// <item><description>
/// Tracing: <see cref="FingerprintExperimentOptions.TracingDocuments"/> generations, each for a
/// tenant drawn from the smallest registry (so every registry holds it), are cut to each token count
/// (prefixes) and traced at <see cref="Distill.Fingerprinting.TraceOptions.Default"/> against each registry and without one.
/// </description></item>
/// <item><description>
/// False attribution: human passages (held-out Brown passages, then passages of the training
/// documents, drawn at random) and texts watermarked for a tenant A drawn from the smallest
/// registry, traced against every registry (which holds A: any other tenant named is wrong), without
/// one, and against registries of the same sizes that start after the smallest (which do not hold A:
/// any tenant named is wrong).
/// </description></item>
/// <item><description>
/// Pooled: for each colluder count c, <see cref="FingerprintExperimentOptions.PooledRuns"/> runs,
/// each with c distinct colluders drawn from the pooled registry; their documents are interleaved
/// (colluder j mod c writes document j) into one <see cref="FingerprintEvidence"/>, which is traced
/// with <see cref="FingerprintScheme.TracePooled"/> after 1, 2, 4, ... documents per colluder, until
/// every colluder is accused or the corpus would pass <see cref="FingerprintExperimentOptions.MaxPooledTokens"/>.
/// </description></item>
/// </list>
/// <para>Every seed depends on the document or run alone, so the results do not depend on the thread count.</para>
/// </remarks>
public static class FingerprintExperiment
{
    /// <summary>The length of every prompt.</summary>
    public const int PromptTokens = 32;

    private const int PassageTokens = 400;

    /// <summary>Returns the name of tenant k: <c>tenant-k</c>.</summary>
    /// <param name="index">The tenant's index, at least 0.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static string TenantName(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return string.Create(CultureInfo.InvariantCulture, $"tenant-{index}");
    }

    /// <summary>Returns tenant k: <c>TenantId.FromName("tenant-k")</c>.</summary>
    /// <param name="index">The tenant's index, at least 0.</param>
    /// <returns>The tenant id.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static TenantId Tenant(long index) => TenantId.FromName(TenantName(index));

    /// <summary>Runs the experiment.</summary>
    /// <param name="options">The sizes and seed; the defaults when <see langword="null"/>.</param>
    /// <param name="log">Receives progress lines (with timings), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between documents.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static FingerprintReport Run(FingerprintExperimentOptions? options = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        options ??= new FingerprintExperimentOptions();
        var run = new RunState(options, log, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        TracingCell[] tracing = Tracing(run);
        run.Log($"tracing: {options.TracingDocuments} documents, done at {stopwatch.Elapsed.TotalSeconds:F1} s");
        AttributionCell[] attribution = Attribution(run);
        run.Log($"false attribution: done at {stopwatch.Elapsed.TotalSeconds:F1} s");
        PooledResult[] pooled = [.. options.Colluders.Select(c => Pooled(run, c))];
        run.Log($"pooled: done at {stopwatch.Elapsed.TotalSeconds:F1} s");
        return new FingerprintReport(options, tracing, attribution, pooled);
    }

    private static TracingCell[] Tracing(RunState run)
    {
        FingerprintExperimentOptions options = run.Options;
        int documents = options.TracingDocuments;
        IReadOnlyList<int> lengths = options.TokenCounts;
        TenantRegistry?[] registries = [.. options.RegistrySizes.Select(n => run.Registry(0, n)), null];

        // Per registry, length and document: 1 traced to its tenant, -1 to another, 0 to none.
        var outcome = new sbyte[registries.Length, lengths.Count, documents];
        run.ForEachDocument(documents, (sampler, d) =>
        {
            TenantId tenant = run.DrawTenant(20, d, options.RegistrySizes[0]);
            int[] text = run.Generate(sampler, tenant, d, lengths[^1], EvaluationRunner.Mix(options.Seed, 21, (ulong)d));
            for (int r = 0; r < registries.Length; r++)
            {
                for (int l = 0; l < lengths.Count; l++)
                {
                    outcome[r, l, d] = Outcome(run.Scheme.Trace(text.AsSpan(0, lengths[l]), registries[r]), tenant);
                }
            }
        });

        var cells = new List<TracingCell>();
        for (int r = 0; r < registries.Length; r++)
        {
            for (int l = 0; l < lengths.Count; l++)
            {
                int correct = 0, wrong = 0;
                for (int d = 0; d < documents; d++)
                {
                    correct += outcome[r, l, d] > 0 ? 1 : 0;
                    wrong += outcome[r, l, d] < 0 ? 1 : 0;
                }

                cells.Add(new TracingCell(registries[r]?.Count ?? 0, lengths[l], documents, correct, wrong));
            }
        }

        return [.. cells];
    }

    private static AttributionCell[] Attribution(RunState run)
    {
        FingerprintExperimentOptions options = run.Options;
        int smallest = options.RegistrySizes[0];
        TenantRegistry?[] holding = [.. options.RegistrySizes.Select(n => run.Registry(0, n)), null];
        TenantRegistry[] without = [.. options.RegistrySizes.Select(n => run.Registry(smallest, n))];
        var cells = new List<AttributionCell>();

        // Human passages: any tenant named is a false attribution.
        int[][] human = run.HumanPassages(options.HumanTokens, options.HumanDocuments);
        var humanNamed = new bool[holding.Length, human.Length];
        Parallel.For(0, human.Length, run.Parallel, i =>
        {
            for (int r = 0; r < holding.Length; r++)
            {
                humanNamed[r, i] = run.Scheme.Trace(human[i], holding[r]).Tenant is not null;
            }
        });
        for (int r = 0; r < holding.Length; r++)
        {
            int named = Enumerable.Range(0, human.Length).Count(i => humanNamed[r, i]);
            cells.Add(new AttributionCell(AttributionText.Human, holding[r]?.Count ?? 0, human.Length, named, 0));
        }

        // Texts watermarked for tenant A: against registries that hold A, without one, and registries without A.
        int documents = options.WatermarkedDocuments;
        TenantRegistry?[] all = [.. holding, .. without];
        var outcome = new sbyte[all.Length, documents];
        run.ForEachDocument(documents, (sampler, d) =>
        {
            TenantId tenant = run.DrawTenant(30, d, smallest);
            int[] text = run.Generate(sampler, tenant, options.TracingDocuments + d, options.WatermarkedTokens, EvaluationRunner.Mix(options.Seed, 31, (ulong)d));
            for (int r = 0; r < all.Length; r++)
            {
                outcome[r, d] = Outcome(run.Scheme.Trace(text, all[r]), tenant);
            }
        });

        if (documents > 0)
        {
            for (int r = 0; r < all.Length; r++)
            {
                int correct = Enumerable.Range(0, documents).Count(d => outcome[r, d] > 0);
                int wrong = Enumerable.Range(0, documents).Count(d => outcome[r, d] < 0);
                AttributionText text = r < holding.Length ? AttributionText.WatermarkedRegistered : AttributionText.WatermarkedUnregistered;
                cells.Add(new AttributionCell(text, all[r]?.Count ?? 0, documents, wrong, correct));
            }
        }

        return [.. cells];
    }

    private static PooledResult Pooled(RunState run, int colluders)
    {
        FingerprintExperimentOptions options = run.Options;
        TenantRegistry registry = run.Registry(0, options.PooledRegistrySize);
        var pooledOptions = new PooledTraceOptions { FalseAccusation = options.FalseAccusation };
        var runs = new PooledRun[options.PooledRuns];
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, runs.Length, run.Parallel, () => new BiasRejectionSampler(BuiltInModel.Model), (r, _, sampler) =>
        {
            ulong runSeed = EvaluationRunner.Mix(EvaluationRunner.Mix(options.Seed, 40, (ulong)colluders), 0, (ulong)r);
            TenantId[] tenants = DrawDistinct(colluders, options.PooledRegistrySize, runSeed);
            var colluding = new HashSet<TenantId>(tenants);
            var innocents = new HashSet<TenantId>();
            var checkpoints = new List<PooledCheckpoint>();
            FingerprintEvidence evidence = run.Scheme.CreateEvidence();
            int[] promptOrder = EvaluationRunner.Permutation(run.PromptCount, EvaluationRunner.Mix(runSeed, 1, 0));
            int written = 0;
            for (long perColluder = 1; ; perColluder *= 2)
            {
                long tokens = perColluder * colluders * options.PooledDocumentTokens;
                if (checkpoints.Count > 0 && tokens > options.MaxPooledTokens)
                {
                    break;
                }

                for (; written < perColluder * colluders; written++)
                {
                    run.Parallel.CancellationToken.ThrowIfCancellationRequested();
                    TenantId tenant = tenants[written % colluders];
                    int[] text = run.Generate(sampler, tenant, promptOrder[written % promptOrder.Length], options.PooledDocumentTokens, EvaluationRunner.Mix(runSeed, 2, (ulong)written));
                    evidence.Add(text);
                }

                PooledTraceResult result = run.Scheme.TracePooled(evidence, registry, pooledOptions);
                int accused = result.Accused.Count(a => colluding.Contains(a.Tenant));
                innocents.UnionWith(result.Accused.Select(a => a.Tenant).Where(t => !colluding.Contains(t)));
                double best = result.Ranked.Where(a => colluding.Contains(a.Tenant)).Select(a => a.Log10PValue).DefaultIfEmpty(0).Min();
                checkpoints.Add(new PooledCheckpoint(tokens, accused, result.Accused.Count - accused, best));
                if (accused == colluders)
                {
                    break;
                }
            }

            runs[r] = new PooledRun(r, tenants, checkpoints, innocents.Count);
            run.Log($"pooled c = {colluders}, run {r}: first accusation at {runs[r].TokensToFirstAccusation?.ToString(CultureInfo.InvariantCulture) ?? "none"} tokens, {runs[r].ColludersAccusedAtEnd} of {colluders} accused at {runs[r].FinalTokens} tokens, {innocents.Count} innocents; {stopwatch.Elapsed.TotalSeconds:F1} s");
            return sampler;
        }, _ => { });

        return new PooledResult(colluders, runs);
    }

    private static sbyte Outcome(TraceResult result, TenantId tenant) =>
        result.Tenant is not { } named ? (sbyte)0 : named == tenant ? (sbyte)1 : (sbyte)-1;

    private static TenantId[] DrawDistinct(int count, int range, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var drawn = new List<long>(count);
        while (drawn.Count < count)
        {
            long k = (long)(random.NextUInt64() % (ulong)range);
            if (!drawn.Contains(k))
            {
                drawn.Add(k);
            }
        }

        return [.. drawn.Select(Tenant)];
    }

    /// <summary>What every part of a run shares: the options, the scheme, the prompts and the registries.</summary>
    private sealed class RunState
    {
        private readonly Action<string>? _log;
        private readonly int[][] _prompts;
        private readonly ConcurrentDictionary<(int Start, int Count), Lazy<TenantRegistry>> _registries = new();

        public RunState(FingerprintExperimentOptions options, Action<string>? log, CancellationToken cancellationToken)
        {
            Options = options;
            _log = log;
            Tokenizer = BuiltInModel.Tokenizer;
            Parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
            WatermarkKey key = EvaluationRunner.Key(options.Seed, "fingerprinting", 0);
            Scheme = FingerprintScheme.Create(key, null, null, Tokenizer.VocabularySize, Tokenizer.Name);
            List<CorpusPassage> prompts = [.. BrownCorpus.HeldOutPrompts(Tokenizer, PromptTokens, PassageTokens)];
            int[] order = EvaluationRunner.Permutation(prompts.Count, EvaluationRunner.Mix(options.Seed, 4, 0));
            _prompts = [.. order.Select(i => prompts[i].Tokens.ToArray())];
        }

        public FingerprintExperimentOptions Options { get; }

        public TextTokenizer Tokenizer { get; }

        public ParallelOptions Parallel { get; }

        public FingerprintScheme Scheme { get; }

        public int PromptCount => _prompts.Length;

        /// <summary>The registry of tenants start to start + count - 1, built once.</summary>
        public TenantRegistry Registry(int start, int count) => _registries.GetOrAdd(
            (start, count),
            static key => new Lazy<TenantRegistry>(() => new TenantRegistry(Enumerable.Range(key.Start, key.Count).Select(k => Tenant(k))), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

        /// <summary>A tenant drawn from the first <paramref name="range"/> tenants by a purpose and an index.</summary>
        public TenantId DrawTenant(ulong purpose, int index, int range) =>
            Tenant((long)(EvaluationRunner.Mix(Options.Seed, purpose, (ulong)index) % (ulong)range));

        /// <summary>Tokens generated for a tenant after prompt <paramref name="promptIndex"/> (cyclically).</summary>
        public int[] Generate(BiasRejectionSampler sampler, TenantId tenant, int promptIndex, int tokens, ulong seed)
        {
            int[] prompt = _prompts[promptIndex % _prompts.Length];
            int[] text = new int[tokens];
            sampler.Generate(Scheme.CreateSession(tenant, prompt), prompt, text, seed);
            return text;
        }

        /// <summary>Runs <paramref name="body"/> for every document index in parallel, with a sampler per thread.</summary>
        public void ForEachDocument(int documents, Action<BiasRejectionSampler, int> body) =>
            System.Threading.Tasks.Parallel.For(0, documents, Parallel, () => new BiasRejectionSampler(BuiltInModel.Model), (d, _, sampler) =>
            {
                body(sampler, d);
                return sampler;
            }, _ => { });

        /// <summary>
        /// Human passages of <paramref name="tokens"/> tokens: the held-out passages, then the
        /// training documents cut the same way, in a seeded random order; at most <paramref name="count"/>.
        /// </summary>
        public int[][] HumanPassages(int tokens, int count)
        {
            var passages = new List<int[]>();
            passages.AddRange(BrownCorpus.HeldOutPassages(Tokenizer, tokens).Select(p => p.Tokens.ToArray()));
            foreach (ReadOnlyMemory<int> document in BrownCorpus.EncodeTrainingDocuments(Tokenizer))
            {
                for (int start = 0; start + tokens <= document.Length; start += tokens)
                {
                    passages.Add(document.Slice(start, tokens).ToArray());
                }
            }

            int[] order = EvaluationRunner.Permutation(passages.Count, EvaluationRunner.Mix(Options.Seed, 5, 0));
            return [.. order.Take(count).Select(i => passages[i])];
        }

        public void Log(string message) => _log?.Invoke(message);
    }
}
