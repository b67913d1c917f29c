using System.IO;
using System.Text;
using System.Text.Json;

namespace Distill.Cli.Tests;

/// <summary>detect's --exp-edit-test and --fold-homoglyphs.</summary>
public sealed class DetectTestOptionsTests() : CliTestBase("distill-cli-detect-options-")
{
    [Fact]
    public void Exp_edit_closed_form_reaches_the_default_verdict_where_the_permutation_test_cannot()
    {
        string key = Path.Combine(Dir, "exp.distill");
        var (code, output, err) = Run("keygen", "--out", key, "--scheme", "exp-edit");
        Assert.True(code == 0, err);
        string input = Generate(key, "exp.txt");

        (code, output, err) = Run("detect", "--key", key, input, "--json");
        Assert.True(code == 0, err);
        JsonElement permutation = JsonDocument.Parse(output).RootElement;
        Assert.Equal("editAlignment", permutation.GetProperty("statistic").GetString());
        Assert.False(permutation.GetProperty("watermarked").GetBoolean(), output);
        Assert.Contains("--exp-edit-test closed", err);

        (code, output, err) = Run("detect", "--key", key, input, "--json", "--exp-edit-test", "closed");
        Assert.True(code == 0, err);
        JsonElement closed = JsonDocument.Parse(output).RootElement;
        Assert.Equal("alignedGammaSum", closed.GetProperty("statistic").GetString());
        Assert.True(closed.GetProperty("watermarked").GetBoolean(), output);
        Assert.True(closed.GetProperty("log10PValue").GetDouble() < -6, output);
        Assert.Equal("", err);

        // Human text stays unflagged under the closed form.
        string human = Path.Combine(Dir, "human.txt");
        File.WriteAllText(human, "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, it was the season of Darkness.");
        (code, output, err) = Run("detect", "--key", key, human, "--json", "--exp-edit-test", "closed");
        Assert.True(code == 0, err);
        Assert.False(JsonDocument.Parse(output).RootElement.GetProperty("watermarked").GetBoolean(), output);

        Assert.Equal(2, Run("detect", "--key", key, input, "--exp-edit-test", "fast").Code);
        string kgw = Path.Combine(Dir, "kgw.distill");
        Assert.Equal(0, Run("keygen", "--out", kgw).Code);
        (code, _, err) = Run("detect", "--key", kgw, input, "--exp-edit-test", "closed");
        Assert.Equal(2, code);
        Assert.Contains("applies to exp-edit profiles", err);
    }

    [Fact]
    public void Fold_homoglyphs_restores_the_clean_texts_figures()
    {
        string key = Path.Combine(Dir, "kgw.distill");
        Assert.Equal(0, Run("keygen", "--out", key).Code);
        string clean = Generate(key, "clean.txt");
        string text = File.ReadAllText(clean);
        var attacked = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            attacked.Append(i % 3 == 0 ? text[i] switch { 'a' => '\u0430', 'e' => '\u0435', 'o' => '\u043E', 'c' => '\u0441', 'p' => '\u0440', _ => text[i] } : text[i]);
        }

        string attackedPath = Path.Combine(Dir, "attacked.txt");
        File.WriteAllText(attackedPath, attacked.ToString());

        double Log10P(params string[] args)
        {
            var (code, output, err) = Run(["detect", "--key", key, .. args, "--json"]);
            Assert.True(code == 0, err);
            return JsonDocument.Parse(output).RootElement.GetProperty("log10PValue").GetDouble();
        }

        double expected = Log10P(clean);
        Assert.NotEqual(expected, Log10P(attackedPath));
        Assert.Equal(expected, Log10P(attackedPath, "--fold-homoglyphs"));
        Assert.Equal(expected, Log10P(clean, "--fold-homoglyphs"));
    }

    private string Generate(string key, string name)
    {
        var (code, output, err) = Run("generate", "--key", key, "--prompt", "The jury said that the election", "--max-tokens", "200", "--seed", "5", "--json");
        Assert.True(code == 0, err);
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, JsonDocument.Parse(output.Trim().Split('\n')[0]).RootElement.GetProperty("text").GetString()!);
        return path;
    }
}
