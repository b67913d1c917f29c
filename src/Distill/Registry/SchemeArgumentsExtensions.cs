using System;
using System.Globalization;

namespace Distill.Registry;

/// <summary>Typed reads of <see cref="ISchemeArguments"/>; a bad value throws <see cref="ArgumentException"/> with a message for the command line.</summary>
internal static class SchemeArgumentsExtensions
{
    /// <summary>The option's value; throws when it was not given.</summary>
    public static string Require(this ISchemeArguments arguments, string name) =>
        arguments.Get(name) ?? throw new ArgumentException($"--{name} is required.");

    /// <summary>The option's finite number, or <paramref name="fallback"/> when absent.</summary>
    public static double GetDouble(this ISchemeArguments arguments, string name, double fallback)
    {
        string? text = arguments.Get(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"--{name} must be a number, not '{text}'.");
    }

    /// <summary>The option's integer, or <paramref name="fallback"/> when absent.</summary>
    public static int GetInt(this ISchemeArguments arguments, string name, int fallback)
    {
        string? text = arguments.Get(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"--{name} must be an integer, not '{text}'.");
    }

    /// <summary>The option's integer within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public static int GetInt(this ISchemeArguments arguments, string name, int fallback, int min, int max)
    {
        int value = arguments.GetInt(name, fallback);
        return value >= min && value <= max ? value : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be between {min} and {max}."));
    }

    /// <summary>The option's unsigned 64-bit integer, decimal or 0x hexadecimal, or <paramref name="fallback"/> when absent.</summary>
    public static ulong GetUInt64(this ISchemeArguments arguments, string name, ulong fallback) =>
        arguments.Get(name) is { } text ? ParseUInt64(text, name) : fallback;

    /// <summary>An unsigned 64-bit integer, decimal or 0x hexadecimal.</summary>
    public static ulong ParseUInt64(string text, string name)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        return ulong.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new ArgumentException($"--{name} must be an unsigned 64-bit integer (decimal or 0x hexadecimal), not '{text}'.");
    }

    /// <summary>Comma-separated 64-bit integers (Python ints, negative ones taken as two's complement).</summary>
    public static ulong[] GetWordList(this ISchemeArguments arguments, string name)
    {
        string[] parts = arguments.Require(name).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long signed))
            {
                words[i] = unchecked((ulong)signed);
            }
            else if (!ulong.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out words[i]))
            {
                throw new ArgumentException($"--{name} must be comma-separated 64-bit integers; '{parts[i]}' is not one.");
            }
        }

        return words;
    }

    /// <summary>The option's KGW seeding (<c>selfhash</c> or <c>lefthash</c>, any case), or <paramref name="fallback"/> when absent.</summary>
    public static GreenList.KgwSeeding GetSeeding(this ISchemeArguments arguments, string name, GreenList.KgwSeeding fallback)
    {
        string? text = arguments.Get(name);
        string choices = fallback == GreenList.KgwSeeding.SelfHash ? "selfhash, lefthash" : "lefthash, selfhash";
        return text?.ToLowerInvariant() switch
        {
            null => fallback,
            "selfhash" => GreenList.KgwSeeding.SelfHash,
            "lefthash" => GreenList.KgwSeeding.LeftHash,
            var other => throw new ArgumentException($"--{name} '{other}' is not one of {choices}."),
        };
    }
}
