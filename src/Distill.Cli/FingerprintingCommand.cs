using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Distill.Evaluation.Fingerprinting;

namespace Distill.Cli;

/// <summary><c>distill fingerprinting</c>: tracing accuracy, false attribution and pooled colluders for the fingerprint scheme; tables and a plot.</summary>
internal static class FingerprintingCommand
{
    public const string DefaultOut = "evaluation/fingerprinting";

    private static readonly HashSet<string> s_values =
    [
        "out", "seed", "tokens", "registries", "documents", "human", "watermarked", "human-tokens", "watermarked-tokens",
        "colluders", "runs", "pooled-registry", "pooled-document-tokens", "max-pooled-tokens", "false-accusation", "threads",
    ];

    private static readonly HashSet<string> s_flags = ["quick"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"fingerprinting takes no inputs ('{a.Positionals[0]}').");
        }

        // --quick: a small run that finishes in about a minute, for trying the command out.
        var defaults = a.Has("quick")
            ? new FingerprintExperimentOptions
            {
                TokenCounts = [50, 100, 200, 300],
                RegistrySizes = [1_000],
                TracingDocuments = 20,
                HumanDocuments = 200,
                WatermarkedDocuments = 50,
                Colluders = [2],
                PooledRuns = 1,
                PooledRegistrySize = 10_000,
                MaxPooledTokens = 51_200,
            }
            : new FingerprintExperimentOptions();
        long seed = a.GetLong("seed", (long)defaults.Seed);
        if (seed < 0)
        {
            throw new UsageException("--seed must be at least 0.");
        }

        FingerprintExperimentOptions options;
        try
        {
            options = defaults with
            {
                Seed = (ulong)seed,
                TokenCounts = Ints(a, "tokens", defaults.TokenCounts),
                RegistrySizes = Ints(a, "registries", defaults.RegistrySizes),
                TracingDocuments = a.GetInt("documents", defaults.TracingDocuments),
                HumanDocuments = a.GetInt("human", defaults.HumanDocuments),
                WatermarkedDocuments = a.GetInt("watermarked", defaults.WatermarkedDocuments),
                HumanTokens = a.GetInt("human-tokens", defaults.HumanTokens),
                WatermarkedTokens = a.GetInt("watermarked-tokens", defaults.WatermarkedTokens),
                Colluders = Ints(a, "colluders", defaults.Colluders),
                PooledRuns = a.GetInt("runs", defaults.PooledRuns),
                PooledRegistrySize = a.GetInt("pooled-registry", defaults.PooledRegistrySize),
                PooledDocumentTokens = a.GetInt("pooled-document-tokens", defaults.PooledDocumentTokens),
                MaxPooledTokens = a.GetInt("max-pooled-tokens", defaults.MaxPooledTokens),
                FalseAccusation = a.GetDouble("false-accusation", defaults.FalseAccusation),
                MaxDegreeOfParallelism = a.GetInt("threads", defaults.MaxDegreeOfParallelism),
            };
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        string outDirectory = a.Get("out") ?? DefaultOut;
        FingerprintReport report = FingerprintExperiment.Run(options, line => stderr.WriteLine("distill: " + line));
        foreach (string path in report.WriteTo(outDirectory))
        {
            stdout.WriteLine(path);
        }

        return CliApp.Success;
    }

    private static IReadOnlyList<int> Ints(Arguments a, string name, IReadOnlyList<int> fallback)
    {
        if (a.Get(name) is not { } list)
        {
            return fallback;
        }

        string[] items = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0)
        {
            throw new UsageException($"--{name} must not be empty.");
        }

        return [.. items.Select(item => int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"--{name}: '{item}' is not an integer."))];
    }
}
