using System.IO;
using System.Text.Json;

namespace Distill.Cli.Tests;

/// <summary><c>distill radioactivity</c>: the closed-model test from files, in both output formats.</summary>
public sealed class RadioactivityCommandTests() : CliTestBase("distill-cli-radioactivity-")
{
    private string Path(string name) => System.IO.Path.Combine(Dir, name);

    private (string Key, string Prompts, string Marked, string Plain) Setup()
    {
        string key = Path("k.distill");
        Assert.Equal(0, Run("keygen", "--out", key, "--seeding", "lefthash", "--context-width", "2", "--delta", "3").Code);
        string prompts = Path("prompts.txt");
        File.WriteAllLines(prompts, ["The history of the city", "In the morning she went", "Scientists have found that", "The committee decided to"]);
        string marked = Path("marked.jsonl"), plain = Path("plain.jsonl");
        var (code, output, err) = Run("generate", "--key", key, "--prompts", prompts, "--max-tokens", "120", "--seed", "2", "--json");
        Assert.True(code == 0, err);
        File.WriteAllText(marked, output);
        (code, output, err) = Run("generate", "--key", key, "--prompts", prompts, "--max-tokens", "120", "--seed", "3", "--json", "--no-watermark");
        Assert.True(code == 0, err);
        File.WriteAllText(plain, output);
        return (key, prompts, marked, plain);
    }

    [Fact]
    public void A_suspect_that_writes_our_watermark_is_radioactive_and_one_that_does_not_is_not()
    {
        var (key, prompts, marked, plain) = Setup();
        var (code, output, err) = Run("radioactivity", "--key", key, "--suspect", marked, "--prompts", prompts, "--json");
        Assert.True(code == 0, err);
        JsonElement r = JsonDocument.Parse(output).RootElement;
        Assert.True(r.GetProperty("radioactive").GetBoolean(), output);
        Assert.True(r.GetProperty("log10PValue").GetDouble() < -20, output);
        Assert.Equal("closedUnsupervised", r.GetProperty("setting").GetString());
        Assert.Equal(4, r.GetProperty("prompts").GetInt32());
        Assert.True(r.GetProperty("scoredTokens").GetInt64() > 300);
        Assert.True(r.GetProperty("greenTokens").GetInt64() > 0);
        Assert.True(r.GetProperty("pValue").GetDouble() < 1e-20);

        (code, output, err) = Run("radioactivity", "--key", key, "--suspect", plain, "--prompts", prompts, "--filter", marked, "--json");
        Assert.True(code == 0, err);
        r = JsonDocument.Parse(output).RootElement;
        Assert.False(r.GetProperty("radioactive").GetBoolean(), output);
        Assert.Equal("closedSupervised", r.GetProperty("setting").GetString());
        Assert.True(r.GetProperty("outsideFilter").GetInt64() > 0, output);

        (code, output, err) = Run("radioactivity", "--key", key, "--suspect", marked);
        Assert.True(code == 0, err);
        Assert.Contains("RADIOACTIVE", output);
        Assert.Contains("scored tokens green", output);
    }

    [Fact]
    public void A_suspect_that_only_repeats_its_prompts_is_not_radioactive()
    {
        // The suspect answers with our watermarked text, but that text was its prompt: every context excluded.
        var (key, _, marked, _) = Setup();
        var (code, output, err) = Run("radioactivity", "--key", key, "--suspect", marked, "--prompts", marked, "--json");
        Assert.True(code == 0, err);
        JsonElement r = JsonDocument.Parse(output).RootElement;
        Assert.False(r.GetProperty("radioactive").GetBoolean(), output);
        Assert.Equal(0, r.GetProperty("scoredTokens").GetInt64());
        Assert.True(r.GetProperty("excludedByPrompt").GetInt64() > 300, output);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_errors()
    {
        var (key, _, marked, _) = Setup();
        Assert.Equal(2, Run("radioactivity", "--key", key).Code);
        Assert.Equal(2, Run("radioactivity", "--suspect", marked).Code);
        var (code, _, err) = Run("radioactivity", "--key", key, "--suspect", Path("missing.jsonl"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
        (code, _, err) = Run("radioactivity", "--key", key, "--suspect", marked, "--alpha", "2");
        Assert.Equal(2, code);

        string exp = Path("exp.distill");
        Assert.Equal(0, Run("keygen", "--out", exp, "--scheme", "exp-edit").Code);
        (code, _, err) = Run("radioactivity", "--key", exp, "--suspect", marked);
        Assert.Equal(1, code);
        Assert.Contains("no radioactivity test", err);
    }
}
