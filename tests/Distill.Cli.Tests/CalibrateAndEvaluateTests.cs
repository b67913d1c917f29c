using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Evaluation;

namespace Distill.Cli.Tests;

public sealed class CalibrateAndEvaluateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distill-cli-cal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Keygen()
    {
        string path = Path.Combine(_dir, $"key{Guid.NewGuid():N}.distill");
        var (code, _, err) = Run("", "keygen", "--out", path);
        Assert.True(code == 0, err);
        return path;
    }

    [Fact]
    public void Calibrate_reports_rates_per_length_and_alpha_as_json_and_as_a_table()
    {
        string key = Keygen();
        string jsonl = Path.Combine(_dir, "human.jsonl");
        File.WriteAllLines(jsonl, BrownCorpus.HeldOutDocuments.Take(6).Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        string text = Path.Combine(_dir, "human.txt");
        File.WriteAllText(text, BrownCorpus.HeldOutDocuments[10].Text);

        var (code, output, err) = Run("", "calibrate", "--key", key, jsonl, text, "--json");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(7, root.GetProperty("texts").GetInt32());
        Assert.Equal("kgw", root.GetProperty("scheme").GetString());
        JsonElement[] buckets = [.. root.GetProperty("buckets").EnumerateArray()];
        Assert.Equal([32, 64, 128, 256, 512, 1024], buckets.Select(b => b.GetProperty("tokens").GetInt32()));
        foreach (JsonElement bucket in buckets)
        {
            JsonElement[] rates = [.. bucket.GetProperty("rates").EnumerateArray()];
            Assert.Equal([1e-2, 1e-3, 1e-4, 1e-5, 1e-6], rates.Select(r => r.GetProperty("alpha").GetDouble()));
            Assert.All(rates, r => Assert.True(r.GetProperty("lower").GetDouble() <= r.GetProperty("upper").GetDouble()));

            // One threshold per target: never looser than the target, measured ones certified, extrapolated exactly below passagesNeeded.
            int passages = bucket.GetProperty("passages").GetInt32();
            JsonElement[] thresholds = [.. bucket.GetProperty("thresholds").EnumerateArray()];
            Assert.Equal([1e-2, 1e-3, 1e-4, 1e-5, 1e-6], thresholds.Select(t => t.GetProperty("target").GetDouble()));
            foreach (JsonElement t in thresholds)
            {
                double target = t.GetProperty("target").GetDouble();
                double log10Threshold = t.GetProperty("log10Threshold").GetDouble();
                bool extrapolated = t.GetProperty("extrapolated").GetBoolean();
                Assert.True(log10Threshold <= Math.Log10(target));
                Assert.Equal(Math.Pow(10, log10Threshold), t.GetProperty("threshold").GetDouble(), 12);
                Assert.Equal(passages < t.GetProperty("passagesNeeded").GetInt64(), extrapolated);
                Assert.Equal(extrapolated ? "extrapolated" : "measured", t.GetProperty("basis").GetString());
                Assert.True(extrapolated || t.GetProperty("upper").GetDouble() <= target);
            }

            Assert.True(bucket.GetProperty("inflation").GetDouble() >= 1);
        }

        // About 17,000 tokens: the 32-token passages certify 1e-2, the 1024-token ones nothing; nothing reaches 1e-6.
        Assert.False(buckets[0].GetProperty("thresholds")[0].GetProperty("extrapolated").GetBoolean());
        Assert.All(buckets[^1].GetProperty("thresholds").EnumerateArray(), t => Assert.True(t.GetProperty("extrapolated").GetBoolean()));
        Assert.Equal(root.GetProperty("inflation").GetDouble(), buckets[^1].GetProperty("inflation").GetDouble());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("inflationFrom").ValueKind);
        Assert.Contains("Clopper-Pearson", root.GetProperty("thresholdRule").GetString());
        Assert.Contains("divided by", root.GetProperty("extrapolationRule").GetString());

        // About 17,000 tokens: too few passages for 1e-3 and 1e-4 anywhere, and the warning says how many are needed.
        JsonElement[] warnings = [.. root.GetProperty("warnings").EnumerateArray()];
        Assert.Contains(warnings, w => w.GetProperty("kind").GetString() == "tooFewPassages" && w.GetProperty("message").GetString()!.Contains("10,000", StringComparison.Ordinal));

        (code, output, err) = Run(BrownCorpus.HeldOutDocuments[11].Text, "calibrate", "--key", key, "-");
        Assert.True(code == 0, err);
        Assert.Contains("passages", output);
        Assert.Contains("p <= alpha", output);
        Assert.Contains("1024 tokens:", output);
        Assert.Contains("extrapolated", output);
        Assert.Contains("Warnings:", output);
    }

    [Fact]
    public void Calibrate_warns_on_repetitive_text_and_refuses_bad_input()
    {
        string key = Keygen();
        string repeated = string.Concat(Enumerable.Repeat("The committee met again on Tuesday to review the budget, and the members agreed. ", 60));
        var (code, output, err) = Run(repeated, "calibrate", "--key", key, "-", "--json");
        Assert.True(code == 0, err);
        Assert.Contains("\"repetitive\"", output);

        (code, _, err) = Run("", "calibrate", "--key", key);
        Assert.Equal(2, code);
        Assert.Contains("at least one input", err);

        string empty = Path.Combine(_dir, "empty.txt");
        File.WriteAllText(empty, "");
        (code, _, err) = Run("", "calibrate", "--key", key, empty);
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("32 tokens", err);

        (code, _, err) = Run("", "calibrate", "--key", key, Path.Combine(_dir, "missing.txt"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
    }

    [Fact]
    public void Evaluate_writes_tables_and_plots_and_refuses_unknown_names()
    {
        string output = Path.Combine(_dir, "eval");
        var (code, stdout, err) = Run("", "evaluate", "--out", output, "--generations", "2", "--max-tokens", "50", "--schemes", "kgw", "--attacks", "none,retokenize", "--human", "50", "--seed", "3");
        Assert.True(code == 0, err);
        Assert.Equal(2, stdout.Trim().Split('\n').Length);
        string markdown = File.ReadAllText(Path.Combine(output, "results.md"));
        Assert.Contains("| retokenize |", markdown);
        Assert.Contains("--seed 3 --generations 2 --max-tokens 50 --human 50 --schemes kgw", markdown);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(output, "kgw.svg")));

        (code, _, err) = Run("", "evaluate", "--schemes", "kgw,bogus");
        Assert.Equal(2, code);
        Assert.Contains("Unknown scheme 'bogus'", err);
        (code, _, _) = Run("", "evaluate", "--attacks", "");
        Assert.Equal(2, code);
        (code, _, _) = Run("", "evaluate", "--generations", "0");
        Assert.Equal(2, code);
    }

    [Fact]
    public void Evaluate_entropy_sweep_writes_its_table_and_plots_and_refuses_attacks()
    {
        string output = Path.Combine(_dir, "sweep");
        var (code, stdout, err) = Run("", "evaluate", "--entropy-sweep", "--out", output, "--generations", "1", "--max-tokens", "20", "--schemes", "gumbel", "--seed", "3");
        Assert.True(code == 0, err);
        Assert.Equal(3, stdout.Trim().Split('\n').Length);
        string markdown = File.ReadAllText(Path.Combine(output, "results.md"));
        Assert.Contains("`distill evaluate --entropy-sweep --seed 3 --generations 1 --max-tokens 20 --schemes gumbel`", markdown);
        Assert.Contains("| T=0.3, top-p 0.9 | `gumbel` |", markdown);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(output, "size-vs-entropy.svg")));

        (code, _, err) = Run("", "evaluate", "--entropy-sweep", "--attacks", "none");
        Assert.Equal(2, code);
        Assert.Contains("--entropy-sweep takes no --attacks", err);
    }
}
