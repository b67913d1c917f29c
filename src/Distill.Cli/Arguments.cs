using System;
using System.Collections.Generic;
using System.Globalization;

namespace Distill.Cli;

/// <summary>
/// A small, strict command-line reader: <c>--name value</c> options, <c>--flag</c> switches and
/// positional arguments (<c>-</c> is positional). Unknown options, missing values and malformed
/// numbers are usage errors.
/// </summary>
internal sealed class Arguments : Registry.ISchemeArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private Arguments()
    {
    }

    public List<string> Positionals { get; } = [];

    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions) =>
        Parse(args, valueOptions, flagOptions, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Parses; the options in <paramref name="repeatable"/> (also value options) may be given more than once.</summary>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions, IReadOnlySet<string> repeatable)
    {
        var result = new Arguments();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                string name = arg[2..];
                string? inline = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    inline = name[(eq + 1)..];
                    name = name[..eq];
                }

                if (flagOptions.Contains(name))
                {
                    if (inline is not null)
                    {
                        throw new UsageException($"--{name} takes no value.");
                    }

                    result._flags.Add(name);
                }
                else if (valueOptions.Contains(name))
                {
                    string? value = inline;
                    if (value is null)
                    {
                        if (i + 1 >= args.Count)
                        {
                            throw new UsageException($"--{name} needs a value.");
                        }

                        value = args[++i];
                    }

                    if (repeatable.Contains(name))
                    {
                        if (!result._repeated.TryGetValue(name, out List<string>? list))
                        {
                            result._repeated[name] = list = [];
                        }

                        list.Add(value);
                        result._values.TryAdd(name, value);
                    }
                    else if (!result._values.TryAdd(name, value))
                    {
                        throw new UsageException($"--{name} is given more than once.");
                    }
                }
                else
                {
                    throw new UsageException($"Unknown option --{name}.");
                }
            }
            else
            {
                result.Positionals.Add(arg);
            }
        }

        return result;
    }

    public bool Has(string name) => _flags.Contains(name) || _values.ContainsKey(name);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Every value of a repeatable option, in order (empty when absent).</summary>
    public IReadOnlyList<string> GetAll(string name) => _repeated.TryGetValue(name, out List<string>? list) ? list : [];

    public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required.");

    public double GetDouble(string name, double fallback)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new UsageException($"--{name} must be a number, not '{text}'.");
        }

        return value;
    }

    public int GetInt(string name, int fallback)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            throw new UsageException($"--{name} must be an integer, not '{text}'.");
        }

        return value;
    }

    public long GetLong(string name, long fallback)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
        {
            throw new UsageException($"--{name} must be an integer, not '{text}'.");
        }

        return value;
    }

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string name, int fallback, int min, int max)
    {
        int value = GetInt(name, fallback);
        return value >= min && value <= max ? value : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be between {min} and {max}."));
    }

    /// <summary>A number option within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public double GetDouble(string name, double fallback, double min, double max)
    {
        double value = GetDouble(name, fallback);
        return value >= min && value <= max ? value : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be between {min} and {max}."));
    }
}
