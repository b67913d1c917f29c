using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Cli.Evidence;
using Json.Schema;

namespace Distill.Cli.Tests.Evidence;

/// <summary>What the evidence tests share: running commands, verifying bundles, and the checks every bundle must pass.</summary>
internal static class EvidenceAssert
{
    private static readonly Lazy<JsonSchema> s_schema = new(() => JsonSchema.FromFile(SchemaPath()));

    /// <summary>Runs a command with <paramref name="stdin"/> as standard input.</summary>
    public static (int Code, string Out, string Err) RunWithInput(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs <c>distill verify --json</c> and returns its exit code and report.</summary>
    public static (int Code, JsonElement Report) Verify(string bundle, params string[] keys)
    {
        var (code, output, err) = RunWithInput("", ["verify", bundle, .. keys.SelectMany(k => new[] { "--key", k }), "--json"]);
        Assert.True(output.Length > 0, err);
        using JsonDocument report = JsonDocument.Parse(output);
        return (code, report.RootElement.Clone());
    }

    /// <summary>The report's problems, one per line.</summary>
    public static string Problems(JsonElement report) => string.Join("\n", report.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));

    /// <summary>Asserts that the bundle verifies with the keys: exit code 0, no problem, both checks passed.</summary>
    public static JsonElement AssertVerifies(string bundle, params string[] keys)
    {
        var (code, report) = Verify(bundle, keys);
        Assert.True(code == 0, Problems(report));
        Assert.True(report.GetProperty("verified").GetBoolean());
        Assert.Equal(2, report.GetProperty("checks").GetArrayLength());
        return report;
    }

    /// <summary>Asserts that the bundle is refused (exit code 1) with a problem that contains <paramref name="expected"/>.</summary>
    public static void AssertRefused(string bundle, string expected, params string[] keys)
    {
        var (code, report) = Verify(bundle, keys);
        Assert.Equal(CliApp.Failure, code);
        Assert.False(report.GetProperty("verified").GetBoolean());
        Assert.Contains(expected, Problems(report), StringComparison.Ordinal);
    }

    /// <summary>Copies a bundle to a new folder beside it, to be edited.</summary>
    public static string Copy(string bundle, string name)
    {
        string target = Path.Combine(Path.GetDirectoryName(bundle)!, name);
        foreach (string file in EvidenceBundle.FilesIn(bundle))
        {
            string to = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(Path.Combine(bundle, file), to);
        }

        return target;
    }

    /// <summary>
    /// The checks every bundle passes: its three JSON files match docs/evidence.schema.json, every p-value's
    /// bits are those of its JSON number, and no file holds the secret of <paramref name="keys"/>.
    /// </summary>
    public static void AssertWellFormed(string bundle, params string[] keys)
    {
        foreach (string file in new[] { EvidenceBundle.Manifest, EvidenceBundle.Seal, EvidenceBundle.Results })
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, file)));
            EvaluationResults result = MatchSchema(document.RootElement);
            Assert.True(result.IsValid, $"{file} does not match the schema: {JsonSerializer.Serialize(result)}");
        }

        using (JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, EvidenceBundle.Results))))
        {
            int checkedBits = AssertBits(results.RootElement);
            Assert.True(checkedBits > 0, "no p-value carries its bits");
        }

        foreach (string key in keys)
        {
            string secret = WatermarkProfile.Load(key).Key.ToBase64();
            Assert.All(EvidenceBundle.FilesIn(bundle), f => Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(bundle, f)), StringComparison.Ordinal));
        }
    }

    /// <summary>Evaluates a JSON document against docs/evidence.schema.json.</summary>
    public static EvaluationResults MatchSchema(JsonElement document) =>
        s_schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });

    /// <summary>Flips the bits of <paramref name="mask"/> in one byte of a bundle's file.</summary>
    public static void Flip(string bundle, string file, int position, byte mask)
    {
        string path = Path.Combine(bundle, file);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[position] ^= mask;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Counts, and checks, every <c>...Bits</c> string against the number beside it.</summary>
    private static int AssertBits(JsonElement element)
    {
        int count = 0;
        if (element.ValueKind == JsonValueKind.Object)
        {
            var properties = element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
            foreach (var (name, value) in properties)
            {
                if (name.EndsWith(EvidenceJson.BitsSuffix, StringComparison.Ordinal) && properties.TryGetValue(name[..^EvidenceJson.BitsSuffix.Length], out JsonElement number))
                {
                    long bits = long.Parse(value.GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    Assert.Equal(bits, BitConverter.DoubleToInt64Bits(number.GetDouble()));
                    count++;
                }

                count += AssertBits(value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            count += element.EnumerateArray().Sum(AssertBits);
        }

        return count;
    }

    private static string SchemaPath()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "docs", "evidence.schema.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/evidence.schema.json not found above the test's folder.");
    }

    /// <summary>The documents of a bundle's results.</summary>
    public static List<JsonElement> Documents(string bundle)
    {
        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, EvidenceBundle.Results)));
        return [.. results.RootElement.GetProperty("documents").EnumerateArray().Select(d => d.Clone())];
    }

    /// <summary>A bundle's manifest.</summary>
    public static JsonElement Manifest(string bundle)
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, EvidenceBundle.Manifest)));
        return manifest.RootElement.Clone();
    }
}
