using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Cli.Evidence;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Distill.Cli.Tests.Evidence.EvidenceAssert;

namespace Distill.Cli.Tests.Evidence;

/// <summary><c>distill detect --evidence</c> and <c>distill verify</c>: round trips, and every way a bundle is refused.</summary>
public sealed class DetectEvidenceTests(EvidenceFixture f) : CliTestBase("distill-cli-evidence-detect-"), IClassFixture<EvidenceFixture>
{
    [Fact]
    public void A_detect_bundle_of_text_jsonl_and_token_ids_verifies_and_holds_the_figures_of_detect_json()
    {
        AssertWellFormed(f.DetectBundle, f.Kgw);
        JsonElement report = AssertVerifies(f.DetectBundle, f.Kgw);
        Assert.Equal(8, report.GetProperty("documents").GetInt32());

        // The figures are those of detect --json, bit for bit; the inputs are named by their copies, the lines counted.
        var (code, output, err) = RunWithInput("", "detect", "--key", f.Kgw, f.Essay, f.Human, f.Marked, f.Ids, "--json");
        Assert.True(code == 0, err);
        string[] lines = output.Trim().Split('\n');
        List<JsonElement> documents = Documents(f.DetectBundle);
        Assert.Equal(lines.Length, documents.Count);
        for (int i = 0; i < lines.Length; i++)
        {
            JsonElement expected = JsonDocument.Parse(lines[i]).RootElement;
            JsonElement result = documents[i].GetProperty("result");
            foreach (string figure in new[] { "tokens", "scoredTokens", "greenTokens", "score", "zScore", "pValue", "log10PValue", "watermarked", "alpha", "windowsSearched" })
            {
                Assert.Equal(expected.GetProperty(figure).GetRawText(), result.GetProperty(figure).GetRawText());
            }

            Assert.Equal(expected.GetProperty("spans").GetRawText(), RemoveBits(result.GetProperty("spans")));
        }

        Assert.Equal(["inputs/01/essay.txt", "inputs/02/human.txt", "inputs/03/marked.jsonl", "inputs/03/marked.jsonl", "inputs/03/marked.jsonl", "inputs/03/marked.jsonl", "inputs/04/ids.jsonl", "inputs/04/ids.jsonl"], documents.Select(d => d.GetProperty("input").GetString()));
        Assert.Equal("[null,null,1,2,3,4,1,3]", "[" + string.Join(",", documents.Select(d => d.GetProperty("line").GetRawText())) + "]");
        Assert.Equal("inputs/01/essay.txt", documents[0].GetProperty("id").GetString());
        Assert.Equal("ids-1", documents[6].GetProperty("id").GetString());
        Assert.True(documents[0].GetProperty("result").GetProperty("watermarked").GetBoolean());
        Assert.False(documents[1].GetProperty("result").GetProperty("watermarked").GetBoolean());
        Assert.True(documents[6].GetProperty("result").GetProperty("watermarked").GetBoolean());
        Assert.NotEmpty(documents[0].GetProperty("result").GetProperty("spans").EnumerateArray());

        // The manifest: the arguments as run, the profile's public parts, the copies byte for byte.
        JsonElement manifest = Manifest(f.DetectBundle);
        Assert.Equal(["--key", f.Kgw, f.Essay, f.Human, f.Marked, f.Ids, "--evidence", f.DetectBundle], manifest.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        WatermarkProfile profile = WatermarkProfile.Load(f.Kgw);
        JsonElement recorded = manifest.GetProperty("profiles")[0];
        Assert.Equal(profile.Key.KeyId, recorded.GetProperty("keyId").GetString());
        Assert.Equal(profile.Descriptor.Hash, recorded.GetProperty("descriptorHash").GetString());
        Assert.Equal(File.ReadAllBytes(f.Marked), File.ReadAllBytes(Path.Combine(f.DetectBundle, "inputs/03/marked.jsonl")));
        Assert.Equal(File.ReadAllBytes(f.Ids), File.ReadAllBytes(Path.Combine(f.DetectBundle, "inputs/04/ids.jsonl")));
    }

    [Fact]
    public void Evidence_leaves_the_output_as_it_is()
    {
        string[] args = ["detect", "--key", f.Kgw, f.Essay, f.Marked];
        var plain = RunWithInput("", args);
        var bundled = RunWithInput("", [.. args, "--evidence", Path.Combine(Dir, "b")]);
        Assert.Equal(plain, bundled);
        bundled = RunWithInput("", [.. args, "--json", $"--evidence={Path.Combine(Dir, "c")}"]);
        Assert.Equal(RunWithInput("", [.. args, "--json"]), bundled);
        AssertVerifies(Path.Combine(Dir, "c"), f.Kgw);
    }

    /// <summary>A run with both --evidence and --report verifies, and verify writes its rerun's report into scratch space, never over the analyst's file.</summary>
    [Fact]
    public void Verify_does_not_touch_the_report_of_the_recorded_run()
    {
        string report = Path.Combine(Dir, "report.html");
        string bundle = Path.Combine(Dir, "with-report");
        var (code, _, err) = RunWithInput("", "detect", "--key", f.Kgw, f.Essay, "--report", report, "--evidence", bundle);
        Assert.True(code == 0, err);
        File.WriteAllText(report, "the analyst's copy");
        AssertVerifies(bundle, f.Kgw);
        Assert.Equal("the analyst's copy", File.ReadAllText(report));

        File.Delete(report);
        AssertVerifies(bundle, f.Kgw);
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void Compatibility_profiles_on_token_ids_give_a_bundle_that_verifies_and_the_same_output()
    {
        string vllm = Path.Combine(Dir, "vllm.distill"), synthId = Path.Combine(Dir, "synthid.distill");
        Assert.Equal(0, RunWithInput("", "keygen", "--out", vllm, "--scheme", "vllm-gumbel", "--vllm-key", "42", "--tokenizer", "m", "--vocab-size", "1000").Code);
        Assert.Equal(0, RunWithInput("", "keygen", "--out", synthId, "--scheme", "hf-synthid", "--keys", "1,2,3,4", "--tokenizer", "m", "--vocab-size", "1000").Code);
        var random = new Random(16);
        string ids = Path.Combine(Dir, "interop-ids.jsonl");
        File.WriteAllLines(ids, [
            $"{{\"id\": \"long\", \"ids\": [{string.Join(',', Enumerable.Range(0, 300).Select(_ => random.Next(1000)))}]}}",
            "{\"ids\": [5, 6, 7]}",
        ]);
        foreach (string[] keys in new[] { new[] { "--key", vllm }, ["--key", synthId], ["--key", vllm, "--key", synthId] })
        {
            string bundle = Path.Combine(Dir, $"interop-{keys.Length}-{Path.GetFileNameWithoutExtension(keys[1])}");
            string[] args = ["detect", .. keys, ids];
            Assert.Equal(RunWithInput("", args), RunWithInput("", [.. args, "--evidence", bundle]));
            AssertVerifies(bundle, [.. keys.Where(k => k != "--key")]);
            Assert.Equal(2, Documents(bundle).Count);
        }
    }

    [Fact]
    public void A_search_over_several_profiles_with_standard_input_verifies_with_all_their_keys()
    {
        string bundle = Path.Combine(Dir, "search");
        string text = File.ReadAllText(f.Essay);
        var (code, _, err) = RunWithInput(text, "detect", "--key", f.Kgw, "--key", f.Unigram, f.Marked, "-", "--evidence", bundle);
        Assert.True(code == 0, err);
        AssertWellFormed(bundle, f.Kgw, f.Unigram);
        AssertVerifies(bundle, f.Unigram, f.Kgw);
        List<JsonElement> documents = Documents(bundle);
        Assert.Equal(5, documents.Count);
        JsonElement fromStdin = documents[4];
        Assert.Equal("inputs/02/stdin.txt", fromStdin.GetProperty("input").GetString());
        Assert.Equal("-", fromStdin.GetProperty("id").GetString());
        Assert.Equal(text, File.ReadAllText(Path.Combine(bundle, "inputs/02/stdin.txt")));
        JsonElement search = fromStdin.GetProperty("result");
        Assert.Equal(0, search.GetProperty("best").GetInt32());
        Assert.Equal(["#profile0", "#profile1"], search.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("profile").GetString()));

        // Standard input by default (no input named) is copied too.
        string byDefault = Path.Combine(Dir, "default-stdin");
        Assert.Equal(0, RunWithInput(text, "detect", "--key", f.Kgw, "--evidence", byDefault).Code);
        AssertVerifies(byDefault, f.Kgw);

        // One key missing, or a wrong one: refused, naming the key id the bundle needs.
        AssertRefused(bundle, WatermarkProfile.Load(f.Unigram).Key.KeyId, f.Kgw);
    }

    [Fact]
    public void A_wrong_key_or_the_right_key_under_another_descriptor_is_refused()
    {
        AssertRefused(f.DetectBundle, "no --key given has it", f.Unigram);

        // Same secret and key id, another delta: the descriptor differs.
        WatermarkProfile profile = WatermarkProfile.Load(f.Kgw);
        string other = Path.Combine(Dir, "other-delta.distill");
        new WatermarkProfile(profile.Descriptor with { Kgw = profile.Descriptor.Kgw! with { Delta = 3 } }, profile.Key).Save(other);
        AssertRefused(f.DetectBundle, "is not the bundle's", other);

        var (code, _, err) = RunWithInput("", "verify", f.DetectBundle);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--key is required", err);
        (code, _, err) = RunWithInput("", "verify", Path.Combine(Dir, "nowhere"), "--key", f.Kgw);
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("does not exist", err);
    }

    [Fact]
    public void A_missing_or_an_extra_file_is_refused()
    {
        string missing = Copy(f.DetectBundle, "missing");
        File.Delete(Path.Combine(missing, "inputs/02/human.txt"));
        AssertRefused(missing, "inputs/02/human.txt is missing", f.Kgw);

        string extra = Copy(f.DetectBundle, "extra");
        File.WriteAllText(Path.Combine(extra, "inputs/02/notes.txt"), "added later");
        AssertRefused(extra, "inputs/02/notes.txt is not in the manifest", f.Kgw);

        string noSeal = Copy(f.DetectBundle, "no-seal");
        File.Delete(Path.Combine(noSeal, EvidenceBundle.Seal));
        AssertRefused(noSeal, "seal.json is missing", f.Kgw);
    }

    [Property(MaxTest = 60, Replay = "(20261205,2117)")]
    public Property One_flipped_byte_anywhere_in_any_file_of_a_bundle_is_refused(int seed)
    {
        var random = new Random(seed);
        string source = random.Next(2) == 0 ? f.DetectBundle : f.RadioactivityBundle;
        List<string> files = EvidenceBundle.FilesIn(source);
        string file = files[random.Next(files.Count)];
        int length = (int)new FileInfo(Path.Combine(source, file)).Length;
        int position = random.Next(length);
        byte mask = (byte)random.Next(1, 256);
        string bundle = Copy(source, $"flip-{Guid.NewGuid():N}");
        Flip(bundle, file, position, mask);
        var (code, report) = Verify(bundle, source == f.DetectBundle ? f.Kgw : f.LeftHash);
        string problems = Problems(report);
        string named = file == EvidenceBundle.Seal ? "seal.json" : file;
        return (code == CliApp.Failure && !report.GetProperty("verified").GetBoolean() && problems.Contains(named, StringComparison.Ordinal))
            .Label($"{Path.GetFileName(source)}/{file} byte {position} ^ {mask}: exit {code}, {problems}");
    }

    [Fact]
    public void A_flipped_byte_inside_a_figure_or_an_input_is_refused_at_every_position()
    {
        // Every digit of the first log10PValue in results.json, and bytes throughout an input's copy.
        byte[] results = File.ReadAllBytes(Path.Combine(f.DetectBundle, EvidenceBundle.Results));
        int start = IndexOf(results, "\"log10PValue\": ") + "\"log10PValue\": ".Length;
        var positions = new List<(string File, int Position)>();
        for (int i = start; results[i] != (byte)','; i++)
        {
            positions.Add((EvidenceBundle.Results, i));
        }

        long inputLength = new FileInfo(Path.Combine(f.DetectBundle, "inputs/03/marked.jsonl")).Length;
        positions.AddRange(Enumerable.Range(0, 8).Select(k => ("inputs/03/marked.jsonl", (int)(k * (inputLength - 1) / 7))));
        Assert.True(positions.Count > 10);
        foreach (var (file, position) in positions)
        {
            string bundle = Copy(f.DetectBundle, $"at-{Guid.NewGuid():N}");
            Flip(bundle, file, position, 0x01);
            AssertRefused(bundle, $"{file} does not match its SHA-256", f.Kgw);
        }
    }

    [Fact]
    public void An_edited_figure_or_input_is_refused_by_the_recomputation_even_when_hashed_and_sealed_again()
    {
        // Whoever holds the key can hash and seal an edited bundle again: the rerun still finds the edit.
        string figure = Copy(f.DetectBundle, "edited-figure");
        string results = Path.Combine(figure, EvidenceBundle.Results);
        JsonNode edited = JsonNode.Parse(File.ReadAllText(results))!;
        edited["documents"]![1]!["result"]!["watermarked"] = true;
        File.WriteAllText(results, edited.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Reseal(figure);
        AssertRefused(figure, "$.documents[1].result.watermarked: the bundle has true, the recomputation false", f.Kgw);

        string input = Copy(f.DetectBundle, "edited-input");
        string copy = Path.Combine(input, "inputs/02/human.txt");
        File.WriteAllText(copy, File.ReadAllText(f.Essay));
        Reseal(input);
        AssertRefused(input, "$.documents[1].result.tokens", f.Kgw);

        // Without the key, a new seal cannot be made: hashing alone is refused by the HMAC.
        string forged = Copy(f.DetectBundle, "forged");
        File.WriteAllText(Path.Combine(forged, "inputs/02/human.txt"), File.ReadAllText(f.Essay));
        Reseal(forged, WatermarkProfile.Load(f.Unigram).Key);
        AssertRefused(forged, "the HMAC does not match", f.Kgw);
    }

    [Fact]
    public void A_non_empty_evidence_folder_is_refused_before_any_work()
    {
        string bundle = Path.Combine(Dir, "busy");
        Directory.CreateDirectory(bundle);
        File.WriteAllText(Path.Combine(bundle, "notes.txt"), "mine");

        // The input does not exist: the folder is refused first, and nothing is read, printed or written.
        var (code, output, err) = RunWithInput("", "detect", "--key", f.Kgw, Path.Combine(Dir, "missing.txt"), "--evidence", bundle);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("is not empty", err);
        Assert.Equal("", output);
        Assert.Equal(["notes.txt"], EvidenceBundle.FilesIn(bundle));

        string file = Path.Combine(Dir, "a-file");
        File.WriteAllText(file, "x");
        Assert.Equal(CliApp.UsageError, RunWithInput("", "detect", "--key", f.Kgw, f.Essay, "--evidence", file).Code);

        // An empty folder is fine.
        string empty = Path.Combine(Dir, "empty");
        Directory.CreateDirectory(empty);
        Assert.Equal(0, RunWithInput("", "detect", "--key", f.Kgw, f.Essay, "--evidence", empty).Code);
        AssertVerifies(empty, f.Kgw);
    }

    [Fact]
    public void The_schema_refuses_a_file_without_a_required_field_or_with_a_malformed_one()
    {
        foreach (string file in new[] { EvidenceBundle.Manifest, EvidenceBundle.Seal, EvidenceBundle.Results })
        {
            JsonObject whole = JsonNode.Parse(File.ReadAllText(Path.Combine(f.DetectBundle, file)))!.AsObject();
            Assert.True(MatchSchema(JsonSerializer.SerializeToElement(whole)).IsValid, file);
            foreach (string field in whole.Select(p => p.Key).ToList())
            {
                JsonObject less = JsonNode.Parse(whole.ToJsonString())!.AsObject();
                less.Remove(field);
                Assert.False(MatchSchema(JsonSerializer.SerializeToElement(less)).IsValid, $"{file} without {field}");
            }
        }

        JsonNode results = JsonNode.Parse(File.ReadAllText(Path.Combine(f.DetectBundle, EvidenceBundle.Results)))!;
        results["documents"]![0]!["result"]!["log10PValueBits"] = "-4.5";
        Assert.False(MatchSchema(JsonSerializer.SerializeToElement(results)).IsValid);
        results = JsonNode.Parse(File.ReadAllText(Path.Combine(f.DetectBundle, EvidenceBundle.Results)))!;
        results["documents"]![0]!["result"]!.AsObject().Remove("spans");
        Assert.False(MatchSchema(JsonSerializer.SerializeToElement(results)).IsValid);
    }

    [Fact]
    public void A_radioactivity_bundle_verifies_and_holds_the_test()
    {
        AssertWellFormed(f.RadioactivityBundle, f.LeftHash);
        AssertVerifies(f.RadioactivityBundle, f.LeftHash);
        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(f.RadioactivityBundle, EvidenceBundle.Results)));
        JsonElement corpus = results.RootElement.GetProperty("corpus");
        Assert.True(corpus.GetProperty("radioactive").GetBoolean(), corpus.ToString());
        Assert.Equal("closedSupervised", corpus.GetProperty("setting").GetString());
        Assert.Equal(4, corpus.GetProperty("prompts").GetInt32());
        Assert.Empty(results.RootElement.GetProperty("documents").EnumerateArray());
        Assert.Equal(["suspect", "prompts", "filter"], Manifest(f.RadioactivityBundle).GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("option").GetString()));
        AssertRefused(f.RadioactivityBundle, "no --key given has it", f.Kgw);
    }

    // Hashes the bundle's files into its manifest again and seals it with the key (the profile's, by default).
    private void Reseal(string bundle, WatermarkKey? key = null)
    {
        string path = Path.Combine(bundle, EvidenceBundle.Manifest);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(path))!;
        foreach (JsonNode? file in manifest["files"]!.AsArray())
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(bundle, file!["path"]!.GetValue<string>()));
            file["sha256"] = EvidenceBundle.Sha256(bytes);
            file["bytes"] = bytes.Length;
        }

        File.WriteAllText(path, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        EvidenceBundle.WriteSeal(bundle, key ?? WatermarkProfile.Load(f.Kgw).Key);
    }

    private static int IndexOf(byte[] haystack, string needle)
    {
        byte[] n = System.Text.Encoding.UTF8.GetBytes(needle);
        return haystack.AsSpan().IndexOf(n);
    }

    // The spans without the bits the bundle adds, as detect --json writes them.
    private static string RemoveBits(JsonElement spans)
    {
        JsonArray array = JsonNode.Parse(spans.GetRawText())!.AsArray();
        foreach (JsonNode? span in array)
        {
            span!.AsObject().Remove("log10PValue" + EvidenceJson.BitsSuffix);
        }

        return array.ToJsonString();
    }
}
