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

    [Theory]
    [InlineData("vllm-gumbel", "vLLM", "--vllm-key", "15726070495360670683")]
    [InlineData("vllm-dual-key-gumbel", "vLLM", "--vllm-key", "42")]
    [InlineData("hf-kgw", "transformers", "--hashing-key", "15485863")]
    [InlineData("hf-synthid", "SynthID-Text (mean score)", "--keys", "654,400,836,123,340,443,597,160,57,29,590,639,13,715,468,990,966,226,324,585,118,504,421,521,129,669,732,225,90,960")]
    public void A_compatibility_profile_generates_text_that_detect_finds(string scheme, string reference, string keyOption, string keyValue)
    {
        string key = Path.Combine(Dir, $"{scheme}.distill");
        var (code, output, err) = Run("keygen", "--out", key, "--scheme", scheme, keyOption, keyValue);
        Assert.True(code == 0, err);
        Assert.Contains($"{scheme} v1", output);
        WatermarkProfile profile = WatermarkProfile.Load(key);
        Assert.True(profile.Key.IsIntegerKey);

        (code, output, err) = Run("generate", "--key", key, "--prompt", "The jury said that the election", "--max-tokens", "120", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        string text = JsonDocument.Parse(output.Trim().Split('\n')[0]).RootElement.GetProperty("text").GetString()!;
        string input = Path.Combine(Dir, $"{scheme}.txt");
        File.WriteAllText(input, text);
        (code, output, err) = Run("detect", "--key", key, input, "--json", "--alpha", "0.01");
        Assert.True(code == 0, err);
        JsonElement result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(scheme, result.GetProperty("scheme").GetString());
        Assert.True(result.GetProperty("watermarked").GetBoolean(), output);
        Assert.Equal(reference, result.GetProperty("reference").GetProperty("name").GetString());
        if (result.GetProperty("reference").TryGetProperty("watermarked", out JsonElement verdict))
        {
            Assert.True(verdict.GetBoolean(), output);
        }

        (code, output, _) = Run("detect", "--key", key, input);
        Assert.Equal(0, code);
        Assert.Contains($"reference ({reference})", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Keygen_refuses_bad_compatibility_parameters()
    {
        string path = Path.Combine(Dir, "x.distill");
        Assert.Equal(2, Run("keygen", "--out", path, "--scheme", "hf-kgw").Code);
        Assert.Equal(2, Run("keygen", "--out", path, "--scheme", "hf-kgw", "--hashing-key", "1", "--seeding", "minhash").Code);
        Assert.Equal(2, Run("keygen", "--out", path, "--scheme", "hf-kgw", "--hashing-key", "1", "--keys", "1,2").Code);
        Assert.Equal(2, Run("keygen", "--out", path, "--scheme", "hf-synthid", "--keys", "1,x").Code);
        Assert.Equal(2, Run("keygen", "--out", path, "--scheme", "hf-synthid", "--keys", "1,2", "--table-size", "1000").Code);
        Assert.Equal(2, Run("keygen", "--out", path, "--scheme", "hf-synthid", "--keys", "1,2", "--vllm-key", "3").Code);
        Assert.False(File.Exists(path));
        Assert.Equal(0, Run("keygen", "--out", path, "--scheme", "hf-synthid", "--keys", "-5,2", "--ngram-len", "3", "--eos", "2").Code);
        WatermarkProfile profile = WatermarkProfile.Load(path);
        Assert.Equal(3, profile.Descriptor.HfSynthId!.NgramLength);
        Assert.Equal(2, profile.Descriptor.HfSynthId.EosTokenId);
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

    [Fact]
    public void Eos_masks_synthid_ngrams_from_the_first_eos_on()
    {
        string key = Path.Combine(Dir, "synthid.distill");
        Assert.Equal(0, Run("keygen", "--out", key, "--scheme", "hf-synthid", "--keys", "1,2,3,4,5,6,7,8", "--tokenizer", "m", "--vocab-size", "1000").Code);
        var scheme = (HfSynthIdScheme)WatermarkProfile.Load(key).CreateScheme();
        WatermarkSession session = scheme.CreateSession([]);
        var random = new Random(3);
        var logits = new float[1000];
        var tokens = new System.Collections.Generic.List<int>();
        for (int i = 0; i < 120; i++)
        {
            for (int t = 0; t < logits.Length; t++)
            {
                logits[t] = (float)(3 * random.NextDouble());
            }

            logits[2] = float.NegativeInfinity; // never EOS while generating
            session.ProcessLogits(logits);
            int token = SoftmaxDraw(logits, random.NextDouble());
            tokens.Add(token);
            session.Accept(token);
        }

        tokens.Add(2);
        tokens.AddRange(Enumerable.Range(0, 60).Select(i => 500 + i));
        string input = Path.Combine(Dir, "eos.jsonl");
        File.WriteAllText(input, JsonSerializer.Serialize(new { ids = tokens }));

        var (code, output, err) = Run("detect", "--key", key, input, "--json", "--eos", "2");
        Assert.True(code == 0, err);
        JsonElement masked = JsonDocument.Parse(output).RootElement;
        (code, output, err) = Run("detect", "--key", key, input, "--json");
        Assert.True(code == 0, err);
        JsonElement unmasked = JsonDocument.Parse(output).RootElement;
        int scoredMasked = masked.GetProperty("reference").GetProperty("scored").GetInt32();
        int scoredAll = unmasked.GetProperty("reference").GetProperty("scored").GetInt32();
        Assert.True(scoredAll - scoredMasked >= 60, $"{scoredMasked} vs {scoredAll}");
        Assert.True(masked.GetProperty("log10PValue").GetDouble() < unmasked.GetProperty("log10PValue").GetDouble());
    }

    [Fact]
    public void The_bayesian_detector_posterior_is_reported_beside_the_p_value()
    {
        string key = Path.Combine(Dir, "bayes.distill");
        Assert.Equal(0, Run("keygen", "--out", key, "--scheme", "hf-synthid", "--keys", "1,2,3,4", "--tokenizer", "m", "--vocab-size", "500").Code);
        string weights = Path.Combine(Dir, "weights.json");
        File.WriteAllText(weights, """{"beta": [-2.5, -2.5, -2.5, -2.5], "delta": [[0,0,0,0],[0.1,0,0,0],[0.1,0.1,0,0],[0.1,0.1,0.1,0]], "prior": 0.5}""");
        string input = Path.Combine(Dir, "bayes.jsonl");
        File.WriteAllText(input, JsonSerializer.Serialize(new { ids = Enumerable.Range(0, 80).Select(i => (i * 37) % 500).ToArray() }));
        var (code, output, err) = Run("detect", "--key", key, input, "--json", "--bayesian", weights);
        Assert.True(code == 0, err);
        double posterior = JsonDocument.Parse(output).RootElement.GetProperty("reference").GetProperty("bayesianPosterior").GetDouble();
        Assert.InRange(posterior, 0.0, 1.0);

        File.WriteAllText(weights, """{"beta": [0, 0], "delta": [[0,0],[0,0]], "prior": 0.5}""");
        Assert.Equal(2, Run("detect", "--key", key, input, "--bayesian", weights).Code);
        string other = Path.Combine(Dir, "other.distill");
        Assert.Equal(0, Run("keygen", "--out", other, "--scheme", "vllm-gumbel", "--vllm-key", "1", "--tokenizer", "m", "--vocab-size", "500").Code);
        Assert.Equal(2, Run("detect", "--key", other, input, "--bayesian", weights).Code);
    }

    private static int SoftmaxDraw(float[] logits, double uniform)
    {
        double max = logits.Max();
        double[] weights = [.. logits.Select(l => float.IsNegativeInfinity(l) ? 0 : Math.Exp(l - max))];
        double target = uniform * weights.Sum(), running = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            running += weights[i];
            if (weights[i] > 0 && running >= target)
            {
                return i;
            }
        }

        return Array.FindLastIndex(weights, w => w > 0);
    }

    /// <summary>Watermarked ids from the profile's session over pseudo-random logits (a stand-in for a model).</summary>
    private static int[] Generate(WatermarkProfile profile, int length, int seed)
    {
        var scheme = (VllmGumbelScheme)profile.CreateScheme();
        WatermarkSession session = scheme.CreateSession([], routingSeed: seed);
        var random = new Random(seed);
        var logits = new float[scheme.VocabularySize];
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            for (int t = 0; t < logits.Length; t++)
            {
                logits[t] = (float)(4 * random.NextDouble());
            }

            // A watermarked step leaves one finite logit (the choice); an unwatermarked step leaves them all.
            session.ProcessLogits(logits);
            int token = Array.FindIndex(logits, float.IsFinite);
            tokens[i] = token == Array.FindLastIndex(logits, float.IsFinite) ? token : random.Next(logits.Length);
            session.Accept(tokens[i]);
        }

        return tokens;
    }
}
