using System;
using System.Collections.Generic;
using System.IO;
using Distill.Evaluation.Runner;

namespace Distill.Cli;

/// <summary><c>distill evaluate</c>: TPR against length per scheme and attack, with the built-in model; tables and plots.</summary>
internal static class EvaluateCommand
{
    public const string DefaultOut = "evaluation";

    private static readonly HashSet<string> s_values = ["out", "seed", "generations", "max-tokens", "schemes", "attacks", "human", "threads"];
    private static readonly HashSet<string> s_flags = ["entropy-sweep", "matrix"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"evaluate takes no inputs ('{a.Positionals[0]}').");
        }

        var defaults = new EvaluationOptions();
        long seed = a.GetLong("seed", (long)defaults.Seed);
        int generations = a.GetInt("generations", defaults.Generations);
        int maxTokens = a.GetInt("max-tokens", defaults.MaxTokens);
        int human = a.GetInt("human", defaults.HumanPassages);
        int threads = a.GetInt("threads", defaults.MaxDegreeOfParallelism);
        if (seed < 0)
        {
            throw new UsageException("--seed must be at least 0.");
        }

        if (generations < 1 || human < 1 || threads < 1)
        {
            throw new UsageException("--generations, --human and --threads must be at least 1.");
        }

        if (maxTokens is < 10 or > 100_000)
        {
            throw new UsageException("--max-tokens must be from 10 to 100000.");
        }

        IReadOnlyList<EvaluationScheme> schemes = a.Get("schemes") is { } schemeNames ? Select(schemeNames, EvaluationSchemes.Select) : EvaluationSchemes.Default;
        if (a.Has("entropy-sweep"))
        {
            return RunEntropySweep(a, stdout, stderr, schemes, seed, threads);
        }

        bool matrix = a.Has("matrix");
        IReadOnlyList<EvaluationAttack> attacks = a.Get("attacks") is { } attackNames ? Select(attackNames, EvaluationAttack.Select) : matrix ? EvaluationAttack.Matrix : EvaluationAttack.All;
        var options = new EvaluationOptions
        {
            Seed = (ulong)seed,
            Generations = generations,
            MaxTokens = maxTokens,
            HumanPassages = human,
            MaxDegreeOfParallelism = threads,
            Schemes = schemes,
            Attacks = attacks,
        };

        string outDirectory = a.Get("out") ?? DefaultOut;
        EvaluationReport report = EvaluationRunner.Run(options, line => stderr.WriteLine("distill: " + line));
        foreach (string path in report.WriteTo(outDirectory))
        {
            stdout.WriteLine(path);
        }

        if (matrix)
        {
            string path = Path.Combine(outDirectory, "matrix.md");
            File.WriteAllText(path, report.ToMatrixMarkdown(), new System.Text.UTF8Encoding(false));
            stdout.WriteLine(path);
        }

        return CliApp.Success;
    }

    // --generations and --max-tokens keep their meaning with the sweep's own defaults (16 and 200).
    private static int RunEntropySweep(Arguments a, TextWriter stdout, TextWriter stderr, IReadOnlyList<EvaluationScheme> schemes, long seed, int threads)
    {
        if (a.Get("attacks") is not null || a.Get("human") is not null || a.Has("matrix"))
        {
            throw new UsageException("--entropy-sweep takes no --attacks, --human or --matrix.");
        }

        var defaults = new EntropySweepOptions();
        int maxTokens = a.GetInt("max-tokens", defaults.MaxTokens);
        if (maxTokens is < 10 or > 10_000)
        {
            throw new UsageException("--max-tokens must be from 10 to 10000 with --entropy-sweep.");
        }

        var options = new EntropySweepOptions
        {
            Seed = (ulong)seed,
            Generations = a.GetInt("generations", defaults.Generations),
            MaxTokens = maxTokens,
            MaxDegreeOfParallelism = threads,
            Schemes = schemes,
        };
        EntropySweepReport report = EntropySweep.Run(options, line => stderr.WriteLine("distill: " + line));
        foreach (string path in report.WriteTo(a.Get("out") ?? DefaultOut))
        {
            stdout.WriteLine(path);
        }

        return CliApp.Success;
    }

    private static IReadOnlyList<T> Select<T>(string list, Func<IEnumerable<string>, IReadOnlyList<T>> select)
    {
        string[] names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw new UsageException("A list of names must not be empty.");
        }

        try
        {
            return select(names);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
