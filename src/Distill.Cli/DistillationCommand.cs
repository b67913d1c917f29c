using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Distill.Evaluation.Distillation;

namespace Distill.Cli;

/// <summary><c>distill distillation</c>: the radioactivity of students distilled from a watermarked teacher; tables and plots.</summary>
internal static class DistillationCommand
{
    public const string DefaultOut = "evaluation/distillation";

    private static readonly HashSet<string> s_values = ["out", "seed", "student-tokens", "student-order", "human-documents", "schemes", "rhos", "calibration-runs", "calibration-responses", "threads"];
    private static readonly HashSet<string> s_flags = ["quick"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"distillation takes no inputs ('{a.Positionals[0]}').");
        }

        // --quick: a small run that finishes in well under a minute, for trying the command out.
        bool quick = a.Has("quick");
        var defaults = quick
            ? new DistillationOptions { StudentTokens = 2_000, HumanDocuments = 20, Rhos = [0, 0.1, 1], CalibrationRuns = 10, CalibrationTeacherResponses = 5, Schemes = [DistillationExperiment.KgwLeftHash2] }
            : new DistillationOptions();
        long seed = a.GetLong("seed", (long)defaults.Seed);
        if (seed < 0)
        {
            throw new UsageException("--seed must be at least 0.");
        }

        DistillationOptions options;
        try
        {
            options = defaults with
            {
                Seed = (ulong)seed,
                StudentTokens = a.GetInt("student-tokens", defaults.StudentTokens),
                StudentOrder = a.GetInt("student-order", defaults.StudentOrder),
                HumanDocuments = a.GetInt("human-documents", defaults.HumanDocuments),
                CalibrationRuns = a.GetInt("calibration-runs", defaults.CalibrationRuns),
                CalibrationTeacherResponses = a.GetInt("calibration-responses", defaults.CalibrationTeacherResponses),
                MaxDegreeOfParallelism = a.GetInt("threads", defaults.MaxDegreeOfParallelism),
                Schemes = a.Get("schemes") is { } names ? DistillationExperiment.SelectSchemes(List(names)) : defaults.Schemes,
                Rhos = a.Get("rhos") is { } rhos ? [.. List(rhos).Select(Share)] : defaults.Rhos,
            };
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        string outDirectory = a.Get("out") ?? DefaultOut;
        DistillationReport report = DistillationExperiment.Run(options, line => stderr.WriteLine("distill: " + line));
        foreach (string path in report.WriteTo(outDirectory))
        {
            stdout.WriteLine(path);
        }

        return CliApp.Success;
    }

    private static string[] List(string list)
    {
        string[] items = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new UsageException("A list must not be empty.");
    }

    private static double Share(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new UsageException($"'{text}' is not a share (a number from 0 to 1).");
}
