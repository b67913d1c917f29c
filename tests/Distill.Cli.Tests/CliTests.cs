using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Distill.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distill-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Keygen(params string[] extra)
    {
        string path = Path.Combine(_dir, $"key{Guid.NewGuid():N}.distill");
        var (code, _, err) = Run("", ["keygen", "--out", path, .. extra]);
        Assert.True(code == 0, err);
        return path;
    }

    [Fact]
    public void Keygen_writes_an_owner_only_profile_and_refuses_to_overwrite()
    {
        string path = Keygen("--seeding", "lefthash", "--gamma", "0.5");
        var profile = WatermarkProfile.Load(path);
        Assert.Equal(GreenList.KgwSeeding.LeftHash, profile.Descriptor.Kgw!.Seeding);
        Assert.Equal(1, profile.Descriptor.Kgw.ContextWidth);
        Assert.Equal(0.5, profile.Descriptor.Kgw.Gamma);
        Assert.Equal("o200k_base", profile.Descriptor.Tokenizer);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        string before = File.ReadAllText(path);
        var (code, _, err) = Run("", "keygen", "--out", path);
        Assert.Equal(1, code);
        Assert.Contains("already exists", err);
        Assert.Equal(before, File.ReadAllText(path));
        Assert.Equal(0, Run("", "keygen", "--out", path, "--force").Code);
        Assert.NotEqual(before, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("keygen")]
    [InlineData("keygen", "--out")]
    [InlineData("keygen", "--out", "x", "--gamma", "1.5")]
    [InlineData("keygen", "--out", "x", "--gamma", "abc")]
    [InlineData("keygen", "--out", "x", "--seeding", "middlehash")]
    [InlineData("keygen", "--out", "x", "--scheme", "gumbel-unknown")]
    [InlineData("keygen", "--out", "x", "--tokenizer", "gpt2")]
    [InlineData("keygen", "--out", "x", "--seeding", "selfhash", "--context-width", "1")]
    [InlineData("keygen", "--out", "x", "--bogus")]
    [InlineData("detect")]
    [InlineData("detect", "--key", "k", "--alpha", "0")]
    [InlineData("generate", "--key", "k")]
    [InlineData("generate", "--key", "k", "--prompt", "a", "--prompts", "b")]
    [InlineData("generate", "--key", "k", "--prompt", "a", "--max-tokens", "0")]
    [InlineData("generate", "--key", "k", "--prompt", "a", "--top-p", "0")]
    [InlineData("frobnicate")]
    [InlineData]
    public void Usage_errors_exit_2_with_one_line_and_no_stack_trace(params string[] args)
    {
        var (code, _, err) = Run("", args);
        Assert.Equal(2, code);
        Assert.DoesNotContain("   at ", err);
        Assert.True(err.StartsWith("distill: ", StringComparison.Ordinal) || err.StartsWith("Usage: distill", StringComparison.Ordinal), err);
        Assert.True(err.StartsWith("Usage", StringComparison.Ordinal) || err.Trim().Split('\n').Length == 1, err);
        Assert.False(File.Exists("x"));
    }

    [Fact]
    public void Errors_exit_1_with_a_one_line_message()
    {
        var (code, _, err) = Run("", "detect", "--key", Path.Combine(_dir, "missing.distill"), "a.txt");
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err);

        string corrupt = Path.Combine(_dir, "corrupt.distill");
        File.WriteAllText(corrupt, "{\"format\": \"distill-profile\", \"formatVer");
        (code, _, err) = Run("", "detect", "--key", corrupt);
        Assert.Equal(1, code);
        Assert.Contains("cannot be used", err);

        // --verbose adds the stack trace.
        (code, _, err) = Run("", "detect", "--key", corrupt, "--verbose");
        Assert.Equal(1, code);
        Assert.Contains("   at ", err);
    }

    // The default profile of keygen under a fixed key, so that the generated text (fixed by --seed) and
    // its p-value are the same on every run: a random key made the p-value of 200 tokens vary around
    // the test's threshold.
    private string FixedKeyProfile()
    {
        WatermarkProfile generated = WatermarkProfile.Load(Keygen());
        var key = WatermarkKey.FromBytes(Enumerable.Range(1, WatermarkKey.SizeInBytes).Select(i => unchecked((byte)(i * 37))).ToArray());
        string path = Path.Combine(_dir, "fixed.distill");
        new WatermarkProfile(generated.Descriptor with { KeyId = key.KeyId }, key).Save(path);
        return path;
    }

    [Fact]
    public void Generated_text_is_detected_and_plain_text_is_not()
    {
        string key = FixedKeyProfile();
        string prompts = Path.Combine(_dir, "prompts.txt");
        File.WriteAllLines(prompts, ["The committee said on Tuesday that", "In the evening the village"]);
        var (code, output, err) = Run("", "generate", "--key", key, "--prompts", prompts, "--max-tokens", "200", "--json", "--seed", "7");
        Assert.True(code == 0, err);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        using (JsonDocument first = JsonDocument.Parse(lines[0]))
        {
            Assert.Equal(1, first.RootElement.GetProperty("id").GetInt32());
            Assert.Equal("The committee said on Tuesday that", first.RootElement.GetProperty("prompt").GetString());
            Assert.False(string.IsNullOrWhiteSpace(first.RootElement.GetProperty("text").GetString()));
        }

        string marked = Path.Combine(_dir, "marked.jsonl");
        File.WriteAllLines(marked, lines);
        var (plainCode, plainOut, plainErr) = Run("", "generate", "--key", key, "--prompts", prompts, "--max-tokens", "200", "--json", "--seed", "7", "--no-watermark");
        Assert.True(plainCode == 0, plainErr);
        string plain = Path.Combine(_dir, "plain.jsonl");
        File.WriteAllText(plain, plainOut);

        (code, output, err) = Run("", "detect", "--key", key, marked, plain, "--json");
        Assert.True(code == 0, err);
        List<JsonElement> results = output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, results.Count);
        foreach (string field in new[] { "id", "tokens", "scoredTokens", "greenTokens", "zScore", "pValue", "log10PValue", "watermarked", "spans" })
        {
            Assert.True(results.All(r => r.TryGetProperty(field, out _)), $"missing {field}");
        }

        Assert.All(results.Take(2), r => Assert.True(r.GetProperty("watermarked").GetBoolean() && r.GetProperty("log10PValue").GetDouble() < -6, r.ToString()));
        Assert.All(results.Skip(2), r => Assert.False(r.GetProperty("watermarked").GetBoolean(), r.ToString()));
        Assert.Equal(1, results[0].GetProperty("id").GetInt32());

        // Human output and standard input.
        string text = JsonDocument.Parse(lines[1]).RootElement.GetProperty("text").GetString()!;
        (code, output, _) = Run(text, "detect", "--key", key);
        Assert.Equal(0, code);
        Assert.StartsWith("-: WATERMARKED", output);

        // A key that did not watermark the text finds no evidence.
        string other = Keygen();
        (code, output, _) = Run(text, "detect", "--key", other, "-", "--json");
        Assert.Equal(0, code);
        Assert.False(JsonDocument.Parse(output).RootElement.GetProperty("watermarked").GetBoolean());
    }

    [Fact]
    public void Empty_documents_are_reported_and_the_exit_code_says_so()
    {
        string key = Keygen();
        string input = Path.Combine(_dir, "docs.jsonl");
        File.WriteAllLines(input, ["{\"id\": \"a\", \"text\": \"A short human sentence about the weather and the harbour.\"}", "{\"id\": \"b\", \"text\": \"\"}"]);
        var (code, output, err) = Run("", "detect", "--key", key, input, "--json");
        Assert.Equal(1, code);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("insufficientTokens", JsonDocument.Parse(lines[0]).RootElement.GetProperty("status").GetString());
        Assert.Contains("empty", JsonDocument.Parse(lines[1]).RootElement.GetProperty("error").GetString());
        Assert.Contains("b:", err);

        File.WriteAllText(input, "not json\n");
        (code, _, err) = Run("", "detect", "--key", key, input);
        Assert.Equal(1, code);
        Assert.Contains(":1:", err);
    }
}
