using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distill.Detection;

namespace Distill.Evaluation.Runner;

/// <summary>
/// Measures each scheme's power and size (tokens to reach p &lt;= 1e-6) against the entropy of the
/// generator's sampling distribution, across temperatures and top-p, beside the perplexity of the
/// text under an independent model.
/// </summary>
/// <remarks>
/// <para>For each generation g (a prompt of 32 tokens from the held-out Brown documents with index 3
/// modulo 5, a key, a sampling seed) and each setting, the <see cref="BuiltInModel"/> continues the
/// prompt by <see cref="EntropySweepOptions.MaxTokens"/> tokens once without a watermark and once
/// through each scheme's session, with the same sampling seed. Each step records the entropy of the
/// distribution after temperature and top-p, before the watermark (<see cref="TextGenerator"/>).</para>
/// <para>Each watermarked generation is detected (its tokens alone, without the prompt) at every
/// prefix of <see cref="EntropySweepOptions.PrefixLengths"/>; its size is the first prefix length
/// with p &lt;= 1e-6, or "not reached". Power is the share detected at p &lt;= 1e-6 on all its
/// tokens. The keys are random (one per generation), so 1e-6 is also the false-positive rate over
/// keys.</para>
/// <para>Every generated token is scored under <see cref="IndependentModel"/>, an order-5 model
/// trained on held-out Brown documents neither the generator nor the prompts come from.</para>
/// </remarks>
public static class EntropySweep
{
    /// <summary>The detection threshold of power and size: p &lt;= 1e-6.</summary>
    public const double Alpha = 1e-6;

    /// <summary>The name of the unwatermarked rows.</summary>
    public const string Plain = "plain";

    private const int PromptTokens = 32;

    /// <summary>Runs the sweep.</summary>
    /// <param name="options">The schemes, settings, sizes and seed; the defaults when <see langword="null"/>.</param>
    /// <param name="log">Receives progress lines, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between generations.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static EntropySweepReport Run(EntropySweepOptions? options = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        options ??= new EntropySweepOptions();
        KneserNeyModel model = BuiltInModel.Model;
        KneserNeyModel judge = IndependentModel.Model;
        int vocabularySize = model.VocabularySize;
        string tokenizerName = BuiltInModel.TokenizerName;
        IReadOnlyList<CorpusPassage> allPrompts = IndependentModel.Prompts(PromptTokens);
        int[] order = EvaluationRunner.Permutation(allPrompts.Count, EvaluationRunner.Mix(options.Seed, 20, 0));
        int[][] prompts = [.. Enumerable.Range(0, options.Generations).Select(g => allPrompts[order[g % order.Length]].Tokens.ToArray())];

        IReadOnlyList<SamplingSetting> settings = options.Settings;
        IReadOnlyList<EvaluationScheme> schemes = options.Schemes;
        IReadOnlyList<int> prefixes = options.PrefixLengths;
        int rows = schemes.Count + 1; // row 0 is plain sampling
        int generations = options.Generations;
        var entropy = new double[settings.Count, rows, generations];
        var sizes = new int?[settings.Count, rows, generations];
        var finalLog10P = new double[settings.Count, rows, generations];
        var logProbability = new double[settings.Count, rows, generations];
        var scored = new int[settings.Count, rows, generations];
        var zero = new int[settings.Count, rows, generations];

        int done = 0;
        var stopwatch = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(
            0,
            generations,
            parallel,
            () => new TextGenerator(model),
            (g, _, generator) =>
            {
                int[] prompt = prompts[g];
                var tokens = new int[options.MaxTokens];
                var entropies = new double[options.MaxTokens];
                var log10P = new double[prefixes.Count];
                WatermarkKey key = EvaluationRunner.Key(options.Seed, "entropy", g);
                for (int s = 0; s < settings.Count; s++)
                {
                    SamplingOptions sampling = settings[s].ToSamplingOptions(EvaluationRunner.Mix(options.Seed, 21 + (ulong)s, (ulong)g));
                    for (int r = 0; r < rows; r++)
                    {
                        EvaluationScheme? evaluated = r == 0 ? null : schemes[r - 1];
                        WatermarkScheme? scheme = evaluated?.Create(key, vocabularySize, tokenizerName);
                        generator.GenerateWithEntropy(prompt, tokens, sampling, scheme?.CreateSession(prompt), entropies);
                        entropy[s, r, g] = entropies.Average();
                        (logProbability[s, r, g], scored[s, r, g], zero[s, r, g]) = IndependentModel.Score(judge, prompt, tokens);
                        if (evaluated is not null && scheme is not null)
                        {
                            for (int i = 0; i < prefixes.Count; i++)
                            {
                                log10P[i] = Detect(evaluated, scheme, tokens.AsMemory(0, prefixes[i])).Log10PValue;
                            }

                            sizes[s, r, g] = DetectionSize.FirstReached(prefixes, log10P, Math.Log10(Alpha));
                            finalLog10P[s, r, g] = log10P[^1];
                        }
                    }
                }

                int finished = Interlocked.Increment(ref done);
                if (log is not null && (finished % 4 == 0 || finished == generations))
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"entropy sweep: {finished}/{generations} generations, {stopwatch.Elapsed.TotalSeconds:F1} s"));
                }

                return generator;
            },
            _ => { });

        var cells = new List<EntropySweepCell>(settings.Count * rows);
        double log10Alpha = Math.Log10(Alpha);
        for (int s = 0; s < settings.Count; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                int[] all = [.. Enumerable.Range(0, generations)];
                int?[] rowSizes = r == 0 ? [] : [.. all.Select(g => sizes[s, r, g])];
                int detected = r == 0 ? 0 : all.Count(g => finalLog10P[s, r, g] <= log10Alpha);
                cells.Add(new EntropySweepCell(
                    settings[s],
                    r == 0 ? Plain : schemes[r - 1].Name,
                    all.Average(g => entropy[s, r, g]),
                    rowSizes,
                    detected,
                    r == 0 ? 0 : all.Average(g => finalLog10P[s, r, g]),
                    all.Sum(g => logProbability[s, r, g]),
                    all.Sum(g => (long)scored[s, r, g]),
                    all.Sum(g => (long)zero[s, r, g])));
            }
        }

        return new EntropySweepReport(options, cells);
    }

    private static DetectionResult Detect(EvaluationScheme evaluated, WatermarkScheme scheme, ReadOnlyMemory<int> tokens) =>
        evaluated.Detect is { } detect ? detect(scheme, tokens) : scheme.Detect(tokens.Span);
}
