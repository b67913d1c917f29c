using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Tests.Registry.TestScheme;

namespace Distill.Cli.Tests;

/// <summary>keygen and detect for a scheme that the tests add through the scheme registry alone.</summary>
public sealed class RegistrySchemeCommandTests : CliTestBase
{
    public RegistrySchemeCommandTests()
        : base("distill-cli-registry-") => ConstantBiasRegistration.EnsureRegistered();

    [Fact]
    public void Keygen_creates_a_registered_scheme_with_its_own_options_and_detect_finds_its_tokens()
    {
        string key = Path.Combine(Dir, "constant.distill");
        var (code, output, err) = Run("keygen", "--out", key, "--scheme", ConstantBiasScheme.SchemeName, "--gamma", "0.25", "--delta", "6");
        Assert.True(code == 0, err);
        Assert.Contains("test-constant-bias v1 (constant bias, gamma=0.25, delta=6), tokenizer o200k_base", output, StringComparison.Ordinal);
        Assert.Contains("no reference filter", output, StringComparison.Ordinal);
        WatermarkProfile profile = WatermarkProfile.Load(key);
        var scheme = Assert.IsType<ConstantBiasScheme>(profile.CreateScheme());
        Assert.Equal(new ConstantBiasOptions { Gamma = 0.25, Delta = 6 }, scheme.Options);

        int[] watermarked = ConstantBiasText.Generate(scheme, 200, seed: 5);
        int[] other = ConstantBiasText.Generate(ConstantBiasScheme.Create(WatermarkKey.Generate(), scheme.Options, scheme.VocabularySize), 200, seed: 5);
        string input = Path.Combine(Dir, "ids.jsonl");
        File.WriteAllLines(input, [Line("ours", watermarked), Line("theirs", other)]);
        (code, output, err) = Run("detect", "--key", key, input, "--json");
        Assert.True(code == 0, err);
        JsonElement[] results = [.. output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.Equal(["ours", "theirs"], results.Select(r => r.GetProperty("id").GetString()));
        Assert.All(results, r => Assert.Equal(ConstantBiasScheme.SchemeName, r.GetProperty("scheme").GetString()));
        Assert.True(results[0].GetProperty("watermarked").GetBoolean(), output);
        Assert.False(results[1].GetProperty("watermarked").GetBoolean(), output);
        Assert.Equal(scheme.Detect(watermarked).Log10PValue, results[0].GetProperty("log10PValue").GetDouble(), 9);
    }

    [Fact]
    public void Keygen_checks_a_registered_scheme_s_options_and_lists_it_in_the_usage_text()
    {
        string key = Path.Combine(Dir, "bad.distill");
        var (code, _, err) = Run("keygen", "--out", key, "--scheme", ConstantBiasScheme.SchemeName, "--context-width", "3");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--context-width does not apply to --scheme test-constant-bias (its parameters: --gamma, --delta)", err, StringComparison.Ordinal);

        (code, _, err) = Run("keygen", "--out", key, "--scheme", ConstantBiasScheme.SchemeName, "--gamma", "1.5");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("Gamma must be in (0, 1)", err, StringComparison.Ordinal);

        (code, _, err) = Run("keygen", "--out", key, "--scheme", ConstantBiasScheme.SchemeName, "--reference", "x.txt");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("has no green lists", err, StringComparison.Ordinal);
        Assert.False(File.Exists(key));

        (code, string usage, _) = Run("--help");
        Assert.Equal(CliApp.Success, code);
        Assert.Contains("test-constant-bias", usage, StringComparison.Ordinal);
        (code, string help, _) = Run("keygen", "--scheme", ConstantBiasScheme.SchemeName, "--help");
        Assert.Equal(CliApp.Success, code);
        Assert.Contains("--gamma G", help, StringComparison.Ordinal);
        Assert.Contains("the bias added to green logits (default 4)", help, StringComparison.Ordinal);
    }

    private static string Line(string id, int[] ids) => JsonSerializer.Serialize(new { id, ids });
}
