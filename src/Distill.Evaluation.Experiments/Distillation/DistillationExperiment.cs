using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distill.Evaluation.Runner;
using Distill.GreenList;
using Distill.Radioactivity;
using Distill.Tokenizers;

namespace Distill.Evaluation.Distillation;

/// <summary>
/// The distillation experiment: a watermarked teacher writes a corpus, a student n-gram model is
/// trained on a mix of that corpus and human text, and the radioactivity tests run on the student
/// (Sander et al., "Watermarking Makes Language Models Radioactive", NeurIPS 2024).
/// </summary>
/// <remarks>
/// <para>For each scheme, deterministically from <see cref="DistillationOptions.Seed"/>:</para>
/// <list type="number">
/// <item><description>
/// The teacher (<see cref="BuiltInModel.Model"/> through the scheme's <see cref="WatermarkSession"/>,
/// via <see cref="TextGenerator"/> at temperature 1) answers prompts of 32 tokens cut from the Brown
/// training documents with responses of 200 tokens, under one key per scheme, until the largest
/// share below 1 is reached.
/// </description></item>
/// <item><description>
/// For each share rho, a student (<see cref="KneserNeyModel"/> of <see cref="DistillationOptions.StudentOrder"/>)
/// is trained on the human Brown training documents plus the first teacher responses, so that the
/// responses make up rho of the training tokens (rho = 1: the teacher responses alone; rho = 0: the
/// human documents alone, one student shared by every scheme).
/// </description></item>
/// <item><description>
/// The student answers held-out Brown prompts (32 tokens) with 200 tokens each, sampled exactly at
/// temperature 1 (<see cref="KneserNeyModel.Sample(ReadOnlySpan{int}, double)"/>), up to
/// <see cref="DistillationOptions.StudentTokens"/>; the same sampling seeds for every student.
/// </description></item>
/// <item><description>
/// At each checkpoint, the closed-model test (every prompt sent added with <see cref="ClosedModelTest.AddPrompt"/>,
/// every answer with <see cref="ClosedModelTest.AddOutput"/>), unsupervised and supervised (filter:
/// the contexts of the teacher responses in the student's training data; at rho = 0 all teacher
/// responses, the texts one would suspect); and once, the open-model test over those teacher
/// responses with the student's exact top-1 prediction.
/// </description></item>
/// </list>
/// <para>
/// The calibration repeats rho = 0 under <see cref="DistillationOptions.CalibrationRuns"/> keys of
/// <see cref="KgwLeftHash2"/>: the human-only student answers with fresh sampling seeds per run, and
/// each key gets its own small teacher corpus (for the filter and the open-model texts), generated
/// with <see cref="KgwRejectionSampler"/>, the exact rejection form of the teacher's distribution.
/// </para>
/// <para>
/// Cells run in parallel on <see cref="DistillationOptions.MaxDegreeOfParallelism"/> threads; every
/// seed depends on the cell alone, so the results do not depend on the thread count.
/// </para>
/// </remarks>
public static class DistillationExperiment
{
    /// <summary>The length of every prompt, teacher's and student's.</summary>
    public const int PromptTokens = 32;

    /// <summary>The length of every response, teacher's and student's.</summary>
    public const int ResponseTokens = 200;

    private const int PassageTokens = 400;

    /// <summary>Gets the target scheme: KGW LeftHash with context width 2, gamma 0.25, delta 3 (the setting of the paper's released data).</summary>
    public static EvaluationScheme KgwLeftHash2 { get; } = new(
        "kgw-lefthash-2",
        (key, vocabularySize, tokenizer) => KgwScheme.Create(key, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = 2, Gamma = 0.25, Delta = 3 }, vocabularySize, tokenizer))
    {
        Description = "KGW, LeftHash h=2, gamma 0.25, delta 3",
    };

    /// <summary>Gets the default schemes: <see cref="KgwLeftHash2"/>, then <see cref="EvaluationSchemes.Default"/>.</summary>
    public static IReadOnlyList<EvaluationScheme> DefaultSchemes { get; } = [KgwLeftHash2, .. EvaluationSchemes.Default];

    /// <summary>Finds schemes by name among <see cref="KgwLeftHash2"/> and <see cref="EvaluationSchemes.All"/>.</summary>
    /// <param name="names">The names.</param>
    /// <returns>The schemes, in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public static IReadOnlyList<EvaluationScheme> SelectSchemes(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        EvaluationScheme[] all = [KgwLeftHash2, .. EvaluationSchemes.All];
        return [.. names.Select(name => all.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown scheme '{name}'. Schemes: {string.Join(", ", all.Select(s => s.Name))}.", nameof(names)))];
    }

    /// <summary>Runs the experiment.</summary>
    /// <param name="options">The schemes, shares, sizes and seed; the defaults when <see langword="null"/>.</param>
    /// <param name="log">Receives progress lines (with timings), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between cells.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static DistillationReport Run(DistillationOptions? options = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        options ??= new DistillationOptions();
        var run = new RunState(options, log, cancellationToken);
        var stopwatch = Stopwatch.StartNew();

        // The human-only student answers once; its answers serve rho = 0 of every scheme.
        KneserNeyModel human = run.TrainStudent([]);
        int[][] humanAnswers = run.Answer(human, 20);
        run.Log($"human student (order {options.StudentOrder}, {human.TrainingTokenCount} tokens) and its answers: {stopwatch.Elapsed.TotalSeconds:F1} s");

        var schemes = new List<DistillationSchemeResult>(options.Schemes.Count);
        foreach (EvaluationScheme evaluated in options.Schemes)
        {
            schemes.Add(RunScheme(evaluated, run, human, humanAnswers));
            run.Log($"{evaluated.Name}: done at {stopwatch.Elapsed.TotalSeconds:F1} s");
        }

        DistillationCalibration[] calibration = Calibrate(run, human);
        run.Log($"calibration ({options.CalibrationRuns} keys): done at {stopwatch.Elapsed.TotalSeconds:F1} s");
        return new DistillationReport(options, schemes, calibration);
    }

    private static DistillationSchemeResult RunScheme(EvaluationScheme evaluated, RunState run, KneserNeyModel human, int[][] humanAnswers)
    {
        DistillationOptions options = run.Options;
        WatermarkScheme scheme = evaluated.Create(EvaluationRunner.Key(options.Seed, "distillation/teacher/" + evaluated.Name, 0), run.Tokenizer.VocabularySize, run.Tokenizer.Name);
        try
        {
            _ = new ClosedModelTest(scheme);
        }
        catch (NotSupportedException e)
        {
            return new DistillationSchemeResult(evaluated, e.Message, 0, []);
        }

        double[] rhos = [.. options.Rhos];
        int[] counts = [.. rhos.Select(run.TeacherResponsesFor)];
        int teacherCount = Math.Max(1, counts.Where((_, i) => rhos[i] < 1).DefaultIfEmpty(run.TeacherResponsesFor(0.1)).Max());
        for (int i = 0; i < rhos.Length; i++)
        {
            counts[i] = rhos[i] >= 1 ? teacherCount : counts[i];
        }

        var stopwatch = Stopwatch.StartNew();
        int[][] teacher = new int[teacherCount][];
        Parallel.For(
            0,
            teacherCount,
            run.Parallel,
            () => new TextGenerator(BuiltInModel.Model),
            (j, _, generator) =>
            {
                int[] prompt = run.TeacherPrompt(j);
                teacher[j] = new int[ResponseTokens];
                generator.Generate(prompt, teacher[j], new SamplingOptions { Seed = EvaluationRunner.Mix(options.Seed, 10, (ulong)j) }, scheme.CreateSession(prompt));
                return generator;
            },
            _ => { });
        run.Log($"{evaluated.Name}: teacher corpus of {teacherCount} responses ({teacherCount * ResponseTokens} tokens) in {stopwatch.Elapsed.TotalSeconds:F1} s");

        var points = new List<DistillationPoint>[rhos.Length];
        Parallel.For(0, rhos.Length, run.Parallel, r =>
        {
            int k = counts[r];
            bool humanOnly = k == 0;
            KneserNeyModel student = humanOnly ? human : run.TrainStudent(teacher.AsSpan(0, k).ToArray(), teacherOnly: rhos[r] >= 1);
            int[][] answers = humanOnly ? humanAnswers : run.Answer(student, 20);

            // At rho = 0 the suspected texts are the whole teacher corpus.
            int[][] suspected = humanOnly ? teacher : teacher[..k];
            double share = humanOnly ? 0 : (double)k * ResponseTokens / student.TrainingTokenCount;
            points[r] = Test(run, scheme, rhos[r], share, student, answers, suspected);
            run.Log($"{evaluated.Name}: rho {rhos[r]} (share {share:F4}) tested");
        });

        return new DistillationSchemeResult(evaluated, null, teacherCount, [.. points.SelectMany(p => p)]);
    }

    private static List<DistillationPoint> Test(RunState run, WatermarkScheme scheme, double rho, double share, KneserNeyModel student, int[][] answers, int[][] suspected)
    {
        // Unigram has no contexts, hence no supervised filter (its cells read n/a).
        ContextFilter? filter = ContextFilter.Supports(scheme) ? ContextFilter.Create(scheme, suspected.Select(t => (ReadOnlyMemory<int>)t)) : null;
        var points = new List<DistillationPoint>();
        foreach (int checkpoint in run.Options.Checkpoints)
        {
            points.Add(Closed(run, scheme, null, answers, checkpoint, rho, share));
            if (filter is not null)
            {
                points.Add(Closed(run, scheme, filter, answers, checkpoint, rho, share));
            }
        }

        points.Add(Open(scheme, student, suspected, rho, share));
        return points;
    }

    private static DistillationPoint Closed(RunState run, WatermarkScheme scheme, ContextFilter? filter, int[][] answers, int tokens, double rho, double share)
    {
        var test = new ClosedModelTest(scheme, filter is null ? null : new RadioactivityOptions { Filter = filter });
        int responses = (tokens + ResponseTokens - 1) / ResponseTokens;
        for (int i = 0; i < responses; i++)
        {
            test.AddPrompt(run.StudentPrompt(i));
        }

        int left = tokens;
        for (int i = 0; i < responses; i++)
        {
            int n = Math.Min(left, answers[i].Length);
            test.AddOutput(answers[i].AsSpan(0, n));
            left -= n;
        }

        RadioactivityResult result = test.GetResult();
        DistillationSetting setting = filter is null ? DistillationSetting.ClosedUnsupervised : DistillationSetting.ClosedSupervised;
        return new DistillationPoint(setting, rho, share, tokens, result.TokenCount, result.ScoredTokens, result.Score, result.Log10PValue);
    }

    private static DistillationPoint Open(WatermarkScheme scheme, KneserNeyModel student, int[][] texts, double rho, double share)
    {
        var test = new OpenModelTest(scheme);
        var predictor = new StudentPredictor(student);
        foreach (int[] text in texts)
        {
            test.AddText(text, predictor);
        }

        RadioactivityResult result = test.GetResult();
        return new DistillationPoint(DistillationSetting.Open, rho, share, 0, result.TokenCount, result.ScoredTokens, result.Score, result.Log10PValue);
    }

    private static DistillationCalibration[] Calibrate(RunState run, KneserNeyModel human)
    {
        DistillationOptions options = run.Options;
        int runs = options.CalibrationRuns;
        var log10P = new double[3][];
        for (int s = 0; s < 3; s++)
        {
            log10P[s] = new double[runs];
        }

        Parallel.For(0, runs, run.Parallel, i =>
        {
            var scheme = (KgwScheme)KgwLeftHash2.Create(EvaluationRunner.Key(options.Seed, "distillation/calibration", i), run.Tokenizer.VocabularySize, run.Tokenizer.Name);
            int[][] answers = run.Answer(human, 1000 + (ulong)i);
            int[][] teacher = new int[options.CalibrationTeacherResponses][];
            for (int j = 0; j < teacher.Length; j++)
            {
                teacher[j] = new int[ResponseTokens];
                KgwRejectionSampler.Generate(BuiltInModel.Model, scheme, run.TeacherPrompt(j), teacher[j], EvaluationRunner.Mix(options.Seed, 2000 + (ulong)i, (ulong)j));
            }

            List<DistillationPoint> points = Test(run, scheme, 0, 0, human, answers, teacher);
            foreach (DistillationPoint point in points.Where(p => p.Setting == DistillationSetting.Open || p.StudentTokens == options.StudentTokens))
            {
                log10P[(int)point.Setting][i] = point.Log10PValue;
            }
        });

        return [.. Enumerable.Range(0, 3).Select(s => new DistillationCalibration((DistillationSetting)s, log10P[s]))];
    }

    /// <summary>What every cell of a run shares: the options, the tokenizer, the prompts and the human text.</summary>
    private sealed class RunState
    {
        private readonly Action<string>? _log;
        private readonly int[][] _teacherPrompts;
        private readonly int[][] _studentPrompts;
        private readonly ReadOnlyMemory<int>[] _human;
        private readonly long _humanTokens;

        public RunState(DistillationOptions options, Action<string>? log, CancellationToken cancellationToken)
        {
            Options = options;
            _log = log;
            Tokenizer = BuiltInModel.Tokenizer;
            Parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
            IReadOnlyList<ReadOnlyMemory<int>> training = BrownCorpus.EncodeTrainingDocuments(Tokenizer);
            _human = [.. training.Take(options.HumanDocuments)];
            _humanTokens = _human.Sum(d => (long)d.Length);

            // Teacher prompts: 32-token starts of 400-token passages of every training document.
            var prompts = new List<int[]>();
            foreach (ReadOnlyMemory<int> document in training)
            {
                for (int start = 0; start + PassageTokens <= document.Length; start += PassageTokens)
                {
                    prompts.Add(document.Slice(start, PromptTokens).ToArray());
                }
            }

            int[] order = EvaluationRunner.Permutation(prompts.Count, EvaluationRunner.Mix(options.Seed, 1, 0));
            _teacherPrompts = [.. order.Select(i => prompts[i])];
            List<CorpusPassage> heldOut = [.. BrownCorpus.HeldOutPrompts(Tokenizer, PromptTokens, PassageTokens)];
            int[] heldOutOrder = EvaluationRunner.Permutation(heldOut.Count, EvaluationRunner.Mix(options.Seed, 2, 0));
            _studentPrompts = [.. heldOutOrder.Select(i => heldOut[i].Tokens.ToArray())];
        }

        public DistillationOptions Options { get; }

        public TextTokenizer Tokenizer { get; }

        public ParallelOptions Parallel { get; }

        public int[] TeacherPrompt(int index) => _teacherPrompts[index % _teacherPrompts.Length];

        public int[] StudentPrompt(int index) => _studentPrompts[index % _studentPrompts.Length];

        /// <summary>The number of teacher responses whose tokens make up the share rho of the training tokens (rho &lt; 1).</summary>
        public int TeacherResponsesFor(double rho) =>
            rho <= 0 || rho >= 1 ? 0 : Math.Max(1, (int)Math.Round(rho * _humanTokens / (ResponseTokens * (1 - rho)), MidpointRounding.AwayFromZero));

        public KneserNeyModel TrainStudent(int[][] teacher, bool teacherOnly = false)
        {
            IEnumerable<ReadOnlyMemory<int>> documents = teacher.Select(t => (ReadOnlyMemory<int>)t);
            if (!teacherOnly)
            {
                documents = _human.Concat(documents);
            }

            return KneserNeyModel.Train(documents, Tokenizer.VocabularySize, Options.StudentOrder);
        }

        /// <summary>The student's answers to the held-out prompts, StudentTokens in all, sampled with seeds of one purpose.</summary>
        public int[][] Answer(KneserNeyModel student, ulong purpose)
        {
            int total = Options.StudentTokens;
            int count = (total + ResponseTokens - 1) / ResponseTokens;
            int[][] answers = new int[count][];
            int width = student.Order - 1;
            int[] text = new int[PromptTokens + ResponseTokens];
            for (int i = 0; i < count; i++)
            {
                Parallel.CancellationToken.ThrowIfCancellationRequested();
                int length = Math.Min(ResponseTokens, total - (i * ResponseTokens));
                StudentPrompt(i).CopyTo(text, 0);
                var random = new Xoshiro256StarStar(EvaluationRunner.Mix(Options.Seed, purpose, (ulong)i));
                for (int t = 0; t < length; t++)
                {
                    int at = PromptTokens + t;
                    text[at] = student.Sample(text.AsSpan(at - width, width), ref random);
                }

                answers[i] = text[PromptTokens..(PromptTokens + length)];
            }

            return answers;
        }

        public void Log(string message) => _log?.Invoke(message);
    }
}
