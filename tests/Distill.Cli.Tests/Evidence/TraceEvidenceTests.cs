using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Cli.Evidence;
using static Distill.Cli.Tests.Evidence.EvidenceAssert;

namespace Distill.Cli.Tests.Evidence;

/// <summary><c>distill trace --evidence</c>, per document and pooled, and <c>distill verify</c> of its bundles.</summary>
public sealed class TraceEvidenceTests(FingerprintCliFixture fixture) : CliTestBase("distill-cli-evidence-trace-"), IClassFixture<FingerprintCliFixture>
{
    [Fact]
    public void A_trace_bundle_verifies_and_names_each_documents_tenant()
    {
        string bundle = Path.Combine(Dir, "trace");
        var (code, _, err) = RunWithInput("", "trace", "--key", fixture.Key, "--tenants", fixture.Registry, fixture.Acme, fixture.Globex, "--evidence", bundle);
        Assert.True(code == 0, err);
        AssertWellFormed(bundle, fixture.Key);
        AssertVerifies(bundle, fixture.Key);

        List<JsonElement> documents = Documents(bundle);
        Assert.Equal(8, documents.Count);
        Assert.Equal(["acme", "acme", "acme", "acme", "globex", "globex", "globex", "globex"], documents.Select(d => d.GetProperty("result").GetProperty("tenant").GetString()));
        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4], documents.Select(d => d.GetProperty("line").GetInt32()));
        Assert.All(documents, d => Assert.True(d.GetProperty("result").GetProperty("significant").GetBoolean()));
        Assert.Equal(["tenants", null, null], Manifest(bundle).GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("option").GetString()));

        // The registry is an input like the others: an edit to it is refused.
        string edited = Copy(bundle, "edited-registry");
        Flip(edited, "inputs/01/tenants.txt", 3, 0x20);
        AssertRefused(edited, "inputs/01/tenants.txt does not match its SHA-256", fixture.Key);
    }

    [Fact]
    public void A_pooled_trace_bundle_verifies_and_holds_the_accusations()
    {
        string bundle = Path.Combine(Dir, "pooled");
        var (code, _, err) = RunWithInput("", "trace", "--key", fixture.Key, "--tenants", fixture.Registry, "--pooled", fixture.Acme, fixture.Globex, "--json", "--evidence", bundle);
        Assert.True(code == 0, err);
        AssertWellFormed(bundle, fixture.Key);
        AssertVerifies(bundle, fixture.Key);

        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, EvidenceBundle.Results)));
        JsonElement corpus = results.RootElement.GetProperty("corpus");
        Assert.Equal(8, corpus.GetProperty("documents").GetInt32());
        Assert.Equal(["acme", "globex"], corpus.GetProperty("accused").EnumerateArray().Select(a => a.GetProperty("tenant").GetString()).Order());
        Assert.All(corpus.GetProperty("ranked").EnumerateArray(), a => Assert.StartsWith("0x", a.GetProperty("log10PValueBits").GetString()));

        // Every file of the bundle, one flipped byte each at its start, middle and end: refused.
        foreach (string file in EvidenceBundle.FilesIn(bundle))
        {
            long length = new FileInfo(Path.Combine(bundle, file)).Length;
            foreach (long position in new[] { 0, length / 2, length - 1 })
            {
                string flipped = Copy(bundle, $"flip-{file.Replace('/', '-')}-{position}");
                Flip(flipped, file, (int)position, 0x04);
                var (verified, report) = Verify(flipped, fixture.Key);
                Assert.True(verified == CliApp.Failure, $"{file} byte {position}: {report}");
            }
        }
    }
}
