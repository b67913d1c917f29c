using System.IO;
using System.Linq;
using System.Text.Json;

namespace Distill.Cli.Tests;

/// <summary>keygen, generate and detect for every scheme: the commands work the same way whichever scheme the profile names.</summary>
public sealed class SchemeCommandTests() : CliTestBase("distill-cli-schemes-")
{
    [Theory]
    [InlineData("unigram", "greenCount", "--gamma", "0.4")]
    [InlineData("gumbel", "gumbelScore", "--context-width", "3")]
    [InlineData("synthid", "meanGValue", "--depth", "20")]
    [InlineData("exp-edit", "editAlignment", "--key-length", "64")]
    public void A_scheme_profile_generates_text_that_detect_finds(string scheme, string statistic, string option, string value)
    {
        string key = Path.Combine(Dir, $"{scheme}.distill");
        var (code, output, err) = Run("keygen", "--out", key, "--scheme", scheme, option, value);
        Assert.True(code == 0, err);
        Assert.Contains($"{scheme} v1", output);
        Assert.Equal(scheme, WatermarkProfile.Load(key).Descriptor.Scheme);

        (code, output, err) = Run("generate", "--key", key, "--prompt", "The jury said that the election", "--max-tokens", "120", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        string text = JsonDocument.Parse(output.Trim().Split('\n')[0]).RootElement.GetProperty("text").GetString()!;
        string input = Path.Combine(Dir, $"{scheme}.txt");
        File.WriteAllText(input, text);

        (code, output, err) = Run("detect", "--key", key, input, "--json", "--alpha", "0.01");
        Assert.True(code == 0, err);
        JsonElement result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(scheme, result.GetProperty("scheme").GetString());
        Assert.Equal(statistic, result.GetProperty("statistic").GetString());
        Assert.True(result.GetProperty("watermarked").GetBoolean(), output);
        Assert.True(result.GetProperty("log10PValue").GetDouble() <= -2, output);

        // Parameters of another scheme are refused, not ignored.
        (code, _, err) = Run("keygen", "--out", Path.Combine(Dir, "other.distill"), "--scheme", scheme, "--seeding", "lefthash");
        Assert.Equal(2, code);
        Assert.Contains("does not apply", err);
    }

    [Fact]
    public void An_unknown_scheme_is_a_usage_error_that_lists_the_schemes()
    {
        var (code, _, err) = Run("keygen", "--out", Path.Combine(Dir, "x.distill"), "--scheme", "aaronson");
        Assert.Equal(2, code);
        Assert.All(new[] { "kgw", "unigram", "gumbel", "synthid", "exp-edit" }, s => Assert.Contains(s, err));
        Assert.False(Directory.EnumerateFiles(Dir).Any());
    }
}
