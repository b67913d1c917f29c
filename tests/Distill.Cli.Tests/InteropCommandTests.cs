using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Cli.Tests;

/// <summary>The compatibility profiles through the command line: keygen with the other stack's key, detect on token ids, the multi-profile search.</summary>
public sealed class InteropCommandTests() : CliTestBase("distill-cli-interop-")
{
    private const int Vocabulary = 32000;

    [Fact]
    public void A_vllm_profile_generates_text_that_detect_finds()
    {
        string key = Path.Combine(Dir, "vllm.distill");
        var (code, output, err) = Run("keygen", "--out", key, "--scheme", "vllm-gumbel", "--vllm-key", "15726070495360670683");
        Assert.True(code == 0, err);
        Assert.Contains("vllm-gumbel v1", output);
        WatermarkProfile profile = WatermarkProfile.Load(key);
        Assert.True(profile.Key.IsIntegerKey);

        (code, output, err) = Run("generate", "--key", key, "--prompt", "The jury said that the election", "--max-tokens", "120", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        string text = JsonDocument.Parse(output.Trim().Split('\n')[0]).RootElement.GetProperty("text").GetString()!;
        string input = Path.Combine(Dir, "vllm.txt");
        File.WriteAllText(input, text);
        (code, output, err) = Run("detect", "--key", key, input, "--json", "--alpha", "0.01");
        Assert.True(code == 0, err);
        JsonElement result = JsonDocument.Parse(output).RootElement;
        Assert.Equal("vllm-gumbel", result.GetProperty("scheme").GetString());
        Assert.True(result.GetProperty("watermarked").GetBoolean(), output);
    }

    [Fact]
    public void Token_ids_are_scored_as_given_and_a_leading_bos_is_stripped()
    {
        string key = Path.Combine(Dir, "ids.distill");
        var (code, _, err) = Run("keygen", "--out", key, "--scheme", "vllm-gumbel", "--vllm-key", "42", "--tokenizer", "meta-llama/Llama-2-7b", "--vocab-size", $"{Vocabulary}");
        Assert.True(code == 0, err);
        int[] watermarked = Generate(WatermarkProfile.Load(key), 150, seed: 1);
        int[] plain = [.. Enumerable.Range(0, 150).Select(i => (i * 7919) % Vocabulary)];
        string input = Path.Combine(Dir, "ids.jsonl");
        File.WriteAllLines(input,
        [
            JsonSerializer.Serialize(new { id = "marked", ids = (int[])[1, .. watermarked] }),
            JsonSerializer.Serialize(new { id = "plain", ids = (int[])[1, .. plain] }),
        ]);

        (code, string output, err) = Run("detect", "--key", key, input, "--json", "--bos", "1");
        Assert.True(code == 0, err);
        JsonElement[] lines = [.. output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.Equal("marked", lines[0].GetProperty("id").GetString());
        Assert.True(lines[0].GetProperty("watermarked").GetBoolean(), output);
        Assert.Equal(150, lines[0].GetProperty("tokens").GetInt32());
        Assert.False(lines[1].GetProperty("watermarked").GetBoolean(), output);
        Assert.False(lines[0].GetProperty("spans")[0].TryGetProperty("start", out _));
        Assert.True(lines[0].GetProperty("spans")[0].GetProperty("endToken").GetInt32() > 100);

        // Without --bos the BOS is scored as a token: one more.
        (code, output, _) = Run("detect", "--key", key, input, "--json");
        Assert.Equal(0, code);
        Assert.Equal(151, JsonDocument.Parse(output.Trim().Split('\n')[0]).RootElement.GetProperty("tokens").GetInt32());

        // Text needs the tokenizer, which this release cannot load for that profile.
        string textInput = Path.Combine(Dir, "t.txt");
        File.WriteAllText(textInput, "Some text.");
        (code, _, err) = Run("detect", "--key", key, textInput);
        Assert.Equal(2, code);
        Assert.Contains("ids", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_ids_lines_and_misplaced_options_are_refused()
    {
        string key = Path.Combine(Dir, "bad.distill");
        Assert.Equal(0, Run("keygen", "--out", key, "--scheme", "vllm-gumbel", "--vllm-key", "0x2a", "--tokenizer", "x", "--vocab-size", "100").Code);
        foreach (string line in new[] { """{"ids": [1, -2]}""", """{"ids": "1 2"}""", """{"ids": []}""", """{"ids": [1], "text": "a"}""", """{"ids": [1.5]}""" })
        {
            string input = Path.Combine(Dir, "bad.jsonl");
            File.WriteAllText(input, line);
            var (code, _, err) = Run("detect", "--key", key, input);
            Assert.True(code != 0, line);
            Assert.Contains("bad.jsonl:1", err, StringComparison.Ordinal);
        }

        string outOfRange = Path.Combine(Dir, "range.jsonl");
        File.WriteAllText(outOfRange, """{"id": "r", "ids": [1, 2, 100]}""");
        var (rc, _, message) = Run("detect", "--key", key, outOfRange);
        Assert.Equal(1, rc);
        Assert.Contains("r:", message, StringComparison.Ordinal);

        Assert.Equal(2, Run("detect", "--key", key, "--eos", "2", outOfRange).Code);
        Assert.Equal(2, Run("keygen", "--out", Path.Combine(Dir, "k.distill"), "--scheme", "vllm-gumbel").Code);
        Assert.Equal(2, Run("keygen", "--out", Path.Combine(Dir, "k.distill"), "--scheme", "vllm-gumbel", "--vllm-key", "-1").Code);
        Assert.Equal(2, Run("keygen", "--out", Path.Combine(Dir, "k.distill"), "--scheme", "vllm-gumbel", "--vllm-key", "1", "--tokenizer", "x").Code);
        Assert.Equal(2, Run("keygen", "--out", Path.Combine(Dir, "k.distill"), "--scheme", "vllm-gumbel", "--vllm-key", "1", "--alpha", "0.2").Code);
        Assert.Equal(2, Run("keygen", "--out", Path.Combine(Dir, "k.distill"), "--scheme", "kgw", "--vocab-size", "100").Code);
        Assert.False(File.Exists(Path.Combine(Dir, "k.distill")));
    }

    [Fact]
    public void Several_profiles_are_searched_and_the_best_fit_is_corrected_for_the_search()
    {
        string[] keys = [Path.Combine(Dir, "a.distill"), Path.Combine(Dir, "b.distill"), Path.Combine(Dir, "c.distill")];
        Assert.Equal(0, Run("keygen", "--out", keys[0], "--scheme", "vllm-gumbel", "--vllm-key", "1", "--tokenizer", "m", "--vocab-size", $"{Vocabulary}").Code);
        Assert.Equal(0, Run("keygen", "--out", keys[1], "--scheme", "vllm-dual-key-gumbel", "--vllm-key", "2", "--tokenizer", "m", "--vocab-size", $"{Vocabulary}").Code);
        Assert.Equal(0, Run("keygen", "--out", keys[2], "--scheme", "vllm-gumbel", "--vllm-key", "3", "--context-width", "2", "--tokenizer", "m", "--vocab-size", $"{Vocabulary}").Code);
        int[] marked = Generate(WatermarkProfile.Load(keys[1]), 200, seed: 2);
        string input = Path.Combine(Dir, "search.jsonl");
        File.WriteAllText(input, JsonSerializer.Serialize(new { id = 7, ids = marked }));

        var (code, output, err) = Run("detect", "--key", keys[0], "--key", keys[1], "--key", keys[2], input, "--json");
        Assert.True(code == 0, err);
        JsonElement result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(3, result.GetProperty("configurations").GetInt32());
        Assert.Equal(1, result.GetProperty("best").GetInt32());
        Assert.True(result.GetProperty("watermarked").GetBoolean(), output);
        JsonElement best = result.GetProperty("results")[1];
        Assert.Equal("vllm-dual-key-gumbel", best.GetProperty("scheme").GetString());
        Assert.Equal(Math.Min(0, best.GetProperty("log10PValue").GetDouble() + Math.Log10(3)), result.GetProperty("log10PValue").GetDouble(), 12);
        Assert.Contains("Holm", result.GetProperty("correction").GetString(), StringComparison.Ordinal);

        (code, output, _) = Run("detect", "--key", keys[0], "--key", keys[2], input);
        Assert.Equal(0, code);
        Assert.Contains("no evidence for any configuration", output, StringComparison.Ordinal);
    }

    /// <summary>Watermarked ids from the profile's session over pseudo-random logits (a stand-in for a model).</summary>
    private static int[] Generate(WatermarkProfile profile, int length, int seed)
    {
        var scheme = (VllmGumbelScheme)profile.CreateScheme();
        VllmGumbelSession session = scheme.CreateSession([], routingSeed: seed);
        var random = new Random(seed);
        var logits = new float[scheme.VocabularySize];
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            for (int t = 0; t < logits.Length; t++)
            {
                logits[t] = (float)(4 * random.NextDouble());
            }

            int token = session.ChooseToken(logits);
            tokens[i] = token >= 0 ? token : random.Next(logits.Length);
            session.Accept(tokens[i]);
        }

        return tokens;
    }
}
