using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.Evaluation.Attacks;
using Distill.Tokenizers;

namespace Distill.Evaluation.Runner;

/// <summary>
/// Measures each scheme's true-positive rate against text length under each attack, on text the
/// <see cref="BuiltInModel"/> generates, beside the false-positive rate on held-out human text.
/// </summary>
/// <remarks>
/// <para>For each scheme, deterministically from <see cref="EvaluationOptions.Seed"/>:</para>
/// <list type="number">
/// <item><description>
/// <see cref="EvaluationOptions.Generations"/> prompts of 32 tokens are drawn (without replacement
/// while they last) from <see cref="BrownCorpus.HeldOutPrompts"/>; each generation gets its own
/// key, and continues its prompt by <see cref="EvaluationOptions.MaxTokens"/> tokens at
/// temperature 1 without truncation through the scheme's session. The keys depend on the seed and
/// the generation's index only, so every scheme sees the same keys, prompts and sampling seeds.
/// </description></item>
/// <item><description>
/// For each attack and each length n, the attacker receives the first n generated tokens (the
/// emoji attack its own generation, made with a marker after every word; dilution pastes
/// round(f n) of them into n human tokens from a held-out document), and the attacked stream alone
/// (without the prompt) is detected. Attack seeds depend on the seed, the attack and the generation.
/// </description></item>
/// <item><description>
/// Up to <see cref="EvaluationOptions.HumanPassages"/> held-out human passages of each length
/// (<see cref="BrownCorpus.HeldOutPassages"/>), drawn at random, are detected, each under its own
/// key: the null.
/// </description></item>
/// </list>
/// <para>
/// A generation counts as detected at alpha when its p-value is at most alpha: the p-values are
/// calibrated, so this is the operating point with false-positive rate at most alpha, and the
/// measured human rate is reported beside it. Where the human sample is big enough, the TPR at the
/// empirical threshold (the human passages' quantile at <see cref="EvaluationReport.EmpiricalAlpha"/>)
/// is reported too. Every key is random (one per generation, one per human passage), so the rates are
/// over keys, the guarantee the p-value makes; the rate under one deployed key on one's own text is
/// what <see cref="Calibration.CalibrationRun"/> measures.
/// </para>
/// <para>
/// The results do not depend on <see cref="EvaluationOptions.MaxDegreeOfParallelism"/>. Generation
/// with the built-in model costs about a millisecond per token (vocabulary 200,019), and the emoji
/// attack needs a second generation of about 1.6 times as many steps.
/// </para>
/// </remarks>
public static class EvaluationRunner
{
    private const int PromptTokens = 32;
    private const string Marker = "\U0001F600";

    private static readonly Lazy<string[]> s_words = new(
        () => [.. BrownCorpus.HeldOutDocuments.SelectMany(d => d.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))],
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs the evaluation.</summary>
    /// <param name="options">The schemes, attacks, sizes and seed; the defaults when <see langword="null"/>.</param>
    /// <param name="log">Receives progress lines (with timings), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between generations.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static EvaluationReport Run(EvaluationOptions? options = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        options ??= new EvaluationOptions();
        TextTokenizer tokenizer = BuiltInModel.Tokenizer;
        KneserNeyModel model = BuiltInModel.Model;
        var context = new RunContext(options, tokenizer, model);
        var schemes = new List<SchemeEvaluation>(options.Schemes.Count);
        foreach (EvaluationScheme scheme in options.Schemes)
        {
            var stopwatch = Stopwatch.StartNew();
            SchemeEvaluation result = RunScheme(scheme, context, log, cancellationToken);
            schemes.Add(result);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{scheme.Name}: done in {stopwatch.Elapsed.TotalSeconds:F1} s"));
        }

        return new EvaluationReport(options, schemes);
    }

    private static SchemeEvaluation RunScheme(EvaluationScheme evaluated, RunContext context, Action<string>? log, CancellationToken cancellationToken)
    {
        EvaluationOptions options = context.Options;
        IReadOnlyList<int> lengths = options.Lengths;
        IReadOnlyList<EvaluationAttack> attacks = options.Attacks;
        int generations = options.Generations;
        int vocabularySize = context.Tokenizer.VocabularySize;
        string tokenizerName = context.Tokenizer.Name;

        // log10 p and attacked length per attack, length and generation.
        var log10P = new double[attacks.Count, lengths.Count, generations];
        var attackedLength = new int[attacks.Count, lengths.Count, generations];
        var applicable = new bool[attacks.Count, lengths.Count];
        for (int a = 0; a < attacks.Count; a++)
        {
            for (int l = 0; l < lengths.Count; l++)
            {
                applicable[a, l] = IsApplicable(attacks[a], lengths[l]);
            }
        }

        bool emoji = attacks.Any(a => a.Kind == EvaluationAttackKind.Emoji);
        int done = 0;
        var stopwatch = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(
            0,
            generations,
            parallel,
            () => new TextGenerator(context.Model),
            (g, _, generator) =>
            {
                WatermarkScheme scheme = evaluated.Create(Key(options.Seed, "generation", g), vocabularySize, tokenizerName);
                int[] prompt = context.Prompts[g];
                var tokens = new int[options.MaxTokens];
                generator.Generate(prompt, tokens, new SamplingOptions { Seed = Mix(options.Seed, 1, (ulong)g) }, scheme.CreateSession(prompt));
                int[] emojiTokens = [];
                if (emoji)
                {
                    WatermarkSession session = scheme.CreateSession(prompt);
                    emojiTokens = EmojiAttack.Generate(generator, context.Tokenizer, session, prompt, options.MaxTokens, context.MarkerToken, new SamplingOptions { Seed = Mix(options.Seed, 2, (ulong)g) }).Tokens.ToArray();
                }

                ReadOnlySpan<int> human = context.Human.AsSpan(context.HumanStarts[g], options.MaxTokens);
                for (int a = 0; a < attacks.Count; a++)
                {
                    ulong attackSeed = Mix(options.Seed, 100 + (ulong)a, (ulong)g);
                    for (int l = 0; l < lengths.Count; l++)
                    {
                        if (!applicable[a, l])
                        {
                            continue;
                        }

                        int n = lengths[l];
                        ReadOnlyMemory<int> attacked = Apply(attacks[a], a, context, tokens.AsMemory(0, n), emojiTokens.AsMemory(0, emoji ? n : 0), human[..n], attackSeed);
                        DetectionResult result = Detect(evaluated, scheme, attacked);
                        log10P[a, l, g] = result.Log10PValue;
                        attackedLength[a, l, g] = attacked.Length;
                    }
                }

                int finished = Interlocked.Increment(ref done);
                if (log is not null && (finished % 10 == 0 || finished == generations))
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"{evaluated.Name}: {finished}/{generations} generations, {stopwatch.Elapsed.TotalSeconds:F1} s"));
                }

                return generator;
            },
            _ => { });

        List<HumanNullCell> human = [.. lengths.Select((n, l) => HumanNull(evaluated, context, n, l, cancellationToken))];
        var rows = new List<AttackEvaluation>(attacks.Count);
        for (int a = 0; a < attacks.Count; a++)
        {
            var cells = new List<EvaluationCell>(lengths.Count);
            for (int l = 0; l < lengths.Count; l++)
            {
                int trials = applicable[a, l] ? generations : 0;
                double[] values = [.. Enumerable.Range(0, trials).Select(g => log10P[a, l, g])];
                int[] detected = [.. EvaluationReport.Alphas.Select(alpha => values.Count(v => v <= Math.Log10(alpha)))];
                double? threshold = human[l].EmpiricalLog10Threshold;
                int? empirical = threshold is { } t && trials > 0 ? values.Count(v => v < t) : null;
                double meanLength = trials > 0 ? Enumerable.Range(0, trials).Average(g => attackedLength[a, l, g]) : 0.0;
                cells.Add(new EvaluationCell(lengths[l], trials, detected, empirical, trials > 0 ? values.Average() : 0.0, meanLength));
            }

            rows.Add(new AttackEvaluation(attacks[a], cells));
        }

        return new SchemeEvaluation(evaluated, lengths, rows, human);
    }

    private static DetectionResult Detect(EvaluationScheme evaluated, WatermarkScheme scheme, ReadOnlyMemory<int> tokens) =>
        evaluated.Detect is { } detect ? detect(scheme, tokens) : scheme.Detect(tokens.Span);

    private static bool IsApplicable(EvaluationAttack attack, int length)
    {
        if (attack.Dilution is not { } dilution)
        {
            return true;
        }

        int watermarked = (int)Math.Round(dilution.WatermarkedFraction * length, MidpointRounding.AwayFromZero);
        return watermarked >= dilution.Segments && length - watermarked + 1 >= dilution.Segments;
    }

    private static ReadOnlyMemory<int> Apply(EvaluationAttack attack, int index, RunContext context, ReadOnlyMemory<int> tokens, ReadOnlyMemory<int> emojiTokens, ReadOnlySpan<int> human, ulong seed) => attack.Kind switch
    {
        EvaluationAttackKind.None => tokens,
        EvaluationAttackKind.TokenEdit => context.TokenAttacks[index]!.Apply(tokens.Span, seed).Tokens,
        EvaluationAttackKind.WordEdit => context.Tokenizer.EncodeToIds(context.TextAttacks[index]!.Apply(context.Tokenizer.Decode(tokens.Span), seed).Text),
        EvaluationAttackKind.Dilution => context.Dilutions[index]!.Apply(tokens.Span, human, seed).Tokens,
        EvaluationAttackKind.Emoji => emojiTokens,
        EvaluationAttackKind.Retokenization => context.TokenAttacks[index]!.Apply(tokens.Span, seed).Tokens,
        EvaluationAttackKind.Text => Encode(context.Tokenizer, context.TextAttacks[index]!.Apply(context.Tokenizer.Decode(tokens.Span), seed).Text, attack),
        _ => throw new InvalidOperationException($"Unknown attack kind {attack.Kind}."),
    };

    private static int[] Encode(TextTokenizer tokenizer, string text, EvaluationAttack attack) =>
        !attack.Normalize ? tokenizer.EncodeToIdsWithoutNormalization(text)
        : attack.FoldConfusables ? tokenizer.WithConfusablesFolded().EncodeToIds(text)
        : tokenizer.EncodeToIds(text);

    private static HumanNullCell HumanNull(EvaluationScheme evaluated, RunContext context, int length, int lengthIndex, CancellationToken cancellationToken)
    {
        EvaluationOptions options = context.Options;
        List<CorpusPassage> all = [.. BrownCorpus.HeldOutPassages(context.Tokenizer, length)];
        int[] order = Permutation(all.Count, Mix(options.Seed, 3, (ulong)length));
        int count = Math.Min(options.HumanPassages, all.Count);
        var log10P = new double[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, count, parallel, i =>
        {
            WatermarkScheme scheme = evaluated.Create(Key(options.Seed, "human", (lengthIndex * 1_000_000) + i), context.Tokenizer.VocabularySize, context.Tokenizer.Name);
            log10P[i] = Detect(evaluated, scheme, all[order[i]].Tokens).Log10PValue;
        });

        int[] falsePositives = [.. EvaluationReport.Alphas.Select(alpha => log10P.Count(v => v <= Math.Log10(alpha)))];
        double[] sorted = [.. log10P.Order()];
        int m = (int)Math.Floor(EvaluationReport.EmpiricalAlpha * count);
        double? threshold = m >= EvaluationReport.MinimumEmpiricalCount ? sorted[m] : null;
        return new HumanNullCell(length, count, falsePositives, threshold, count > 0 ? sorted[0] : 0.0);
    }

    /// <summary>A random key from the run's seed, a purpose and an index: the same on every run and platform.</summary>
    internal static WatermarkKey Key(ulong seed, string purpose, int index)
    {
        byte[] input = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"distill-evaluation/v1/{seed}/{purpose}/{index}"));
        return WatermarkKey.FromBytes(SHA256.HashData(input));
    }

    internal static ulong Mix(ulong seed, ulong purpose, ulong index)
    {
        ulong state = seed ^ unchecked(purpose * 0x9E3779B97F4A7C15UL);
        ulong a = Xoshiro256StarStar.SplitMix64(ref state);
        state = a ^ index;
        return Xoshiro256StarStar.SplitMix64(ref state);
    }

    /// <summary>A seeded Fisher-Yates permutation of 0..count-1.</summary>
    internal static int[] Permutation(int count, ulong seed)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        var random = new Xoshiro256StarStar(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(random.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    /// <summary>What every scheme of a run shares: prompts, human text for dilution, attack material.</summary>
    private sealed class RunContext
    {
        public RunContext(EvaluationOptions options, TextTokenizer tokenizer, KneserNeyModel model)
        {
            Options = options;
            Tokenizer = tokenizer;
            Model = model;
            List<CorpusPassage> prompts = [.. BrownCorpus.HeldOutPrompts(tokenizer, PromptTokens, 400)];
            int[] order = Permutation(prompts.Count, Mix(options.Seed, 4, 0));
            Prompts = [.. Enumerable.Range(0, options.Generations).Select(g => prompts[order[g % order.Length]].Tokens.ToArray())];

            // Human text for dilution: windows of MaxTokens tokens of the concatenated held-out documents.
            Human = [.. BrownCorpus.EncodeHeldOutDocuments(tokenizer).SelectMany(d => d.Ids.ToArray())];
            var random = new Xoshiro256StarStar(Mix(options.Seed, 5, 0));
            ulong span = (ulong)(Human.Length - options.MaxTokens + 1);
            HumanStarts = [.. Enumerable.Range(0, options.Generations).Select(_ => (int)(random.NextUInt64() % span))];

            // One instance per attack of the run (the word attack copies its vocabulary once).
            IReadOnlyList<EvaluationAttack> attacks = options.Attacks;
            TokenAttacks = new TokenAttack?[attacks.Count];
            TextAttacks = new TextAttack?[attacks.Count];
            Dilutions = new CopyPasteDilution?[attacks.Count];
            TokenDistribution? replacements = null;
            for (int a = 0; a < attacks.Count; a++)
            {
                EvaluationAttack attack = attacks[a];
                switch (attack.Kind)
                {
                    case EvaluationAttackKind.TokenEdit:
                        replacements ??= TokenDistribution.SeenBy(model);
                        TokenAttacks[a] = new TokenEditAttack(attack.Rates!, replacements);
                        break;
                    case EvaluationAttackKind.Retokenization:
                        TokenAttacks[a] = new RetokenizationAttack(tokenizer);
                        break;
                    case EvaluationAttackKind.WordEdit:
                        TextAttacks[a] = new WordEditAttack(attack.Rates!, s_words.Value);
                        break;
                    case EvaluationAttackKind.Dilution:
                        Dilutions[a] = new CopyPasteDilution(attack.Dilution!);
                        break;
                    case EvaluationAttackKind.Text:
                        TextAttacks[a] = attack.CreateText!();
                        break;
                    default:
                        break;
                }
            }

            int[] marker = tokenizer.EncodeToIds(Marker);
            MarkerToken = marker.Length == 1 ? marker[0] : throw new InvalidOperationException($"The emoji marker is {marker.Length} tokens in {tokenizer.Name}; one is needed.");
        }

        public EvaluationOptions Options { get; }

        public TextTokenizer Tokenizer { get; }

        public KneserNeyModel Model { get; }

        public int[][] Prompts { get; }

        public int[] Human { get; }

        public int[] HumanStarts { get; }

        public TokenAttack?[] TokenAttacks { get; }

        public TextAttack?[] TextAttacks { get; }

        public CopyPasteDilution?[] Dilutions { get; }

        public int MarkerToken { get; }
    }
}
