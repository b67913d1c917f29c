using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Evaluation;
using Distill.Fingerprinting;
using Distill.GreenList;

namespace Distill.Cli.Tests;

/// <summary>keygen --scheme kgw-fingerprint, generate --tenant and trace (per document and pooled), and their errors.</summary>
public sealed class FingerprintCommandTests(FingerprintCliFixture fixture) : CliTestBase("distill-cli-trace-"), IClassFixture<FingerprintCliFixture>
{
    [Fact]
    public void Keygen_writes_a_fingerprint_profile_on_a_lefthash_watermark()
    {
        string key = Path.Combine(Dir, "f.distill");
        var (code, output, err) = Run("keygen", "--out", key, "--scheme", "kgw-fingerprint", "--tardos-length", "1024", "--design-colluders", "4", "--delta", "2.5");
        Assert.True(code == 0, err);
        Assert.Contains("kgw-fingerprint v1", output);
        Assert.Contains("1024 Tardos positions", output);
        SchemeDescriptor d = WatermarkProfile.Load(key).Descriptor;
        Assert.Equal(FingerprintScheme.SchemeName, d.Scheme);
        Assert.Equal(KgwSeeding.LeftHash, d.Kgw!.Seeding);
        Assert.Equal(FingerprintScheme.DefaultZeroBit.ContextWidth, d.Kgw.ContextWidth);
        Assert.Equal(FingerprintScheme.DefaultZeroBit.Gamma, d.Kgw.Gamma);
        Assert.Equal(2.5, d.Kgw.Delta);
        Assert.Equal(FingerprintOptions.Default with { TardosLength = 1024, DesignColluders = 4 }, d.Fingerprint);
        Assert.IsType<FingerprintScheme>(WatermarkProfile.Load(key).CreateScheme());

        // Out-of-range and foreign parameters are usage errors that write nothing.
        string other = Path.Combine(Dir, "g.distill");
        (code, _, err) = Run("keygen", "--out", other, "--scheme", "kgw-fingerprint", "--identity-share", "1");
        Assert.Equal(2, code);
        Assert.Contains("IdentityShare", err);
        (code, _, err) = Run("keygen", "--out", other, "--scheme", "kgw-fingerprint", "--seeding", "selfhash");
        Assert.Equal(2, code);
        Assert.Contains("does not apply", err);
        (code, _, err) = Run("keygen", "--out", other, "--scheme", "kgw", "--tardos-length", "512");
        Assert.Equal(2, code);
        Assert.Contains("does not apply", err);
        Assert.False(File.Exists(other));
    }

    [Fact]
    public void Trace_with_a_registry_names_each_tenant_of_its_own_generations()
    {
        var (code, output, err) = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, fixture.Globex, "--json");
        Assert.True(code == 0, err);
        List<JsonElement> results = ParseLines(output);
        Assert.Equal(8, results.Count);
        foreach (string field in new[] { "id", "tenant", "tenantId", "pValue", "log10PValue", "log10PValueUncorrected", "tenantsSearched", "scoredTokens", "greenTokens", "zeroBitLog10PValue" })
        {
            Assert.True(results.All(r => r.TryGetProperty(field, out _)), $"missing {field}");
        }

        string[] expected = ["acme", "acme", "acme", "acme", "globex", "globex", "globex", "globex"];
        for (int i = 0; i < results.Count; i++)
        {
            JsonElement r = results[i];
            Assert.True(expected[i] == r.GetProperty("tenant").GetString(), r.ToString());
            Assert.Equal(TenantId.FromName(expected[i]).ToString(), r.GetProperty("tenantId").GetString());
            Assert.True(r.GetProperty("log10PValue").GetDouble() <= -3, r.ToString());
            Assert.True(r.GetProperty("log10PValueUncorrected").GetDouble() < r.GetProperty("log10PValue").GetDouble(), r.ToString());
            Assert.Equal(FingerprintCliFixture.RegistrySize, r.GetProperty("tenantsSearched").GetDouble());
            Assert.True(r.GetProperty("zeroBitLog10PValue").GetDouble() < -6, r.ToString());
        }

        // The same for people, one document from standard input.
        string text = JsonDocument.Parse(File.ReadLines(fixture.Globex).First()).RootElement.GetProperty("text").GetString()!;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        code = CliApp.Run(["trace", "--key", fixture.Key, "--tenants", fixture.Registry], new StringReader(text), stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.StartsWith("-: TENANT globex", stdout.ToString());
        Assert.Contains("corrected for 1,000 registered tenants", stdout.ToString());
    }

    [Fact]
    public void Trace_of_human_text_names_no_tenant()
    {
        string jsonl = Path.Combine(Dir, "human.jsonl");
        File.WriteAllLines(jsonl, BrownCorpus.HeldOutDocuments.Take(3).Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        var (code, output, err) = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, jsonl, "--json");
        Assert.True(code == 0, err);
        List<JsonElement> results = ParseLines(output);
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.True(r.GetProperty("tenant").ValueKind == JsonValueKind.Null && !r.GetProperty("significant").GetBoolean(), r.ToString()));
        Assert.All(results, r => Assert.True(r.GetProperty("log10PValue").GetDouble() > -3, r.ToString()));

        string text = Path.Combine(Dir, "human.txt");
        File.WriteAllText(text, BrownCorpus.HeldOutDocuments[5].Text);
        (code, output, err) = Run("trace", "--key", fixture.Key, text);
        Assert.True(code == 0, err);
        Assert.Contains("no confident tenant", output);
        Assert.Contains("corrected for all 2^64 tenant numbers", output);
    }

    [Fact]
    public void Pooled_trace_accuses_both_contributors_and_nobody_else()
    {
        var (code, output, err) = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, fixture.Globex, "--pooled", "--json");
        Assert.True(code == 0, err);
        JsonElement r = JsonDocument.Parse(output).RootElement;
        Assert.Equal(8, r.GetProperty("documents").GetInt32());
        Assert.Equal(FingerprintCliFixture.RegistrySize, r.GetProperty("tenants").GetInt32());
        Assert.Equal(1e-6, r.GetProperty("falseAccusationBound").GetDouble());
        string[] accused = r.GetProperty("accused").EnumerateArray().Select(x => x.GetProperty("tenant").GetString()!).Order().ToArray();
        Assert.True(accused.SequenceEqual(["acme", "globex"]), output);
        JsonElement[] ranked = r.GetProperty("ranked").EnumerateArray().ToArray();
        Assert.Equal(20, ranked.Length);
        Assert.Equal(["acme", "globex"], ranked.Take(2).Select(x => x.GetProperty("tenant").GetString()!).Order());
        Assert.All(ranked, x => Assert.True(x.TryGetProperty("score", out _) && x.TryGetProperty("pValue", out _) && x.TryGetProperty("log10PValue", out _)));
        Assert.All(ranked.Skip(2), x => Assert.False(x.GetProperty("accused").GetBoolean(), x.ToString()));

        // People's output: the accused, the bound and the top 3.
        (code, output, err) = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, fixture.Globex, "--pooled", "--max-reported", "3");
        Assert.True(code == 0, err);
        Assert.Contains("at most 1E-06", output);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("ACCUSED")));
        Assert.Equal(3, output.Split('\n').Count(l => l.Contains("score ")));
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        string plainKey = Path.Combine(Dir, "plain.distill");
        Assert.Equal(0, Run("keygen", "--out", plainKey).Code);
        string human = Path.Combine(Dir, "human.txt");
        File.WriteAllText(human, BrownCorpus.HeldOutDocuments[0].Text);

        // A missing profile: an error (exit 1) in one line.
        var (code, _, err) = Run("trace", "--key", Path.Combine(Dir, "missing.distill"), human);
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));

        // --tenant on a plain kgw profile, and tracing with one: usage errors that name the scheme needed.
        (code, _, err) = Run("generate", "--key", plainKey, "--tenant", "acme", "--prompt", "The jury");
        Assert.Equal(2, code);
        Assert.Contains("--tenant needs a kgw-fingerprint profile", err);
        (code, _, err) = Run("trace", "--key", plainKey, human);
        Assert.Equal(2, code);
        Assert.Contains("kgw-fingerprint", err);

        // --pooled needs a registry; pooled-only options need --pooled; alpha is checked.
        (code, _, err) = Run("trace", "--key", fixture.Key, "--pooled", human);
        Assert.Equal(2, code);
        Assert.Contains("--pooled needs --tenants", err);
        (code, _, err) = Run("trace", "--key", fixture.Key, "--false-accusation", "0.01", human);
        Assert.Equal(2, code);
        Assert.Contains("only with --pooled", err);
        (code, _, _) = Run("trace", "--key", fixture.Key, "--alpha", "2", human);
        Assert.Equal(2, code);

        // A corrupt registry (a duplicate) and a missing one: errors that name the file's problem.
        string corrupt = Path.Combine(Dir, "corrupt.txt");
        File.WriteAllLines(corrupt, ["acme", "globex", "acme"]);
        (code, _, err) = Run("trace", "--key", fixture.Key, "--tenants", corrupt, human);
        Assert.Equal(1, code);
        Assert.Contains("3", err);
        (code, _, err) = Run("trace", "--key", fixture.Key, "--tenants", Path.Combine(Dir, "none.txt"), human);
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);

        // Empty input: reported per document, exit 1; a pooled corpus of nothing is an error.
        string empty = Path.Combine(Dir, "empty.txt");
        File.WriteAllText(empty, "  \n");
        (code, string output, err) = Run("trace", "--key", fixture.Key, empty, human, "--json");
        Assert.Equal(1, code);
        Assert.Contains("empty", err);
        List<JsonElement> results = ParseLines(output);
        Assert.Equal(2, results.Count);
        Assert.True(results[0].TryGetProperty("error", out _));
        Assert.True(results[1].TryGetProperty("tenant", out _));
        (code, _, err) = Run("trace", "--key", fixture.Key, "--tenants", fixture.Registry, "--pooled", empty);
        Assert.Equal(1, code);
        Assert.Contains("no text", err);
    }

    private static List<JsonElement> ParseLines(string output) =>
        output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
}
