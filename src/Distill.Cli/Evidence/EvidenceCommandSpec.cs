using System;
using System.Collections.Generic;

namespace Distill.Cli.Evidence;

/// <summary>
/// Which arguments of a command name the files it reads, so that the bundle can copy them and
/// <c>distill verify</c> can point the same arguments at the copies.
/// </summary>
/// <param name="Command">The command's name.</param>
/// <param name="FileOptions">The value options whose value is an input file (or <c>-</c>).</param>
/// <param name="PositionalFiles">Whether positional arguments are input files.</param>
/// <param name="DefaultStdin">Whether the command reads standard input when no positional argument is given.</param>
internal sealed record EvidenceCommandSpec(string Command, IReadOnlySet<string> FileOptions, bool PositionalFiles, bool DefaultStdin)
{
    /// <summary>The option that names the profiles: never copied (the secret stays out of the bundle).</summary>
    public const string KeyOption = "key";

    /// <summary>The option that names the bundle's folder.</summary>
    public const string EvidenceOption = "evidence";

    public static readonly EvidenceCommandSpec Detect = new("detect", new HashSet<string>(StringComparer.Ordinal) { "reference", "bayesian" }, PositionalFiles: true, DefaultStdin: true);

    public static readonly EvidenceCommandSpec Trace = new("trace", new HashSet<string>(StringComparer.Ordinal) { "tenants" }, PositionalFiles: true, DefaultStdin: true);

    public static readonly EvidenceCommandSpec Radioactivity = new("radioactivity", new HashSet<string>(StringComparer.Ordinal) { "suspect", "prompts", "filter" }, PositionalFiles: false, DefaultStdin: false);

    /// <summary>The commands that write bundles: the only ones <c>distill verify</c> reruns.</summary>
    public static readonly IReadOnlyList<EvidenceCommandSpec> All = [Detect, Trace, Radioactivity];

    /// <summary>
    /// Finds the key, input and bundle arguments of a command's (already parsed, so well-formed)
    /// arguments; <paramref name="valueOptions"/> are the options that take a value.
    /// </summary>
    public ArgumentRoles Scan(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions)
    {
        var keys = new List<ArgumentSlot>();
        var inputs = new List<ArgumentSlot>();
        ArgumentSlot? evidence = null;
        bool positionals = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length <= 2)
            {
                positionals = true;
                if (PositionalFiles)
                {
                    inputs.Add(new ArgumentSlot(i, null, arg, Inline: false));
                }

                continue;
            }

            string name = arg[2..];
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = name[..eq];
            }

            if (!valueOptions.Contains(name))
            {
                continue;
            }

            ArgumentSlot slot = eq >= 0 ? new ArgumentSlot(i, name, arg[(eq + 3)..], Inline: true) : new ArgumentSlot(i + 1, name, args[i + 1], Inline: false);
            if (!slot.Inline)
            {
                i++;
            }

            if (name == KeyOption)
            {
                keys.Add(slot);
            }
            else if (name == EvidenceOption)
            {
                evidence = slot;
            }
            else if (FileOptions.Contains(name))
            {
                inputs.Add(slot);
            }
        }

        bool stdin = (DefaultStdin && !positionals) || inputs.Exists(s => s.Value == "-");
        return new ArgumentRoles(keys, inputs, evidence, stdin);
    }
}

/// <summary>One argument that names a file.</summary>
/// <param name="Index">Its index among the command's arguments.</param>
/// <param name="Option">The option it belongs to, or <see langword="null"/> for a positional argument.</param>
/// <param name="Value">The path as given (or <c>-</c>).</param>
/// <param name="Inline">Whether it was given as <c>--option=value</c> (one argument).</param>
internal sealed record ArgumentSlot(int Index, string? Option, string Value, bool Inline)
{
    /// <summary>The argument with another value, in the same form.</summary>
    public string WithValue(string value) => Inline ? $"--{Option}={value}" : value;
}

/// <summary>The arguments of a command that name its profiles, its inputs and its bundle; and whether it reads standard input.</summary>
internal sealed record ArgumentRoles(List<ArgumentSlot> Keys, List<ArgumentSlot> Inputs, ArgumentSlot? Evidence, bool ReadsStdin);
