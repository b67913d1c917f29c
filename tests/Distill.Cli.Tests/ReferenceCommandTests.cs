using System.IO;
using System.Linq;
using System.Text.Json;

namespace Distill.Cli.Tests;

/// <summary>Reference filters from the command line: keygen makes them by default, detect reports them, calibrate adds the user's text.</summary>
public sealed class ReferenceCommandTests() : CliTestBase("distill-cli-reference-")
{
    // Public text of the user's own: a templated answer repeated with small changes.
    private string WriteReference()
    {
        string path = Path.Combine(Dir, "ours.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 120).Select(i =>
            JsonSerializer.Serialize(new { id = i, text = $"Thank you for contacting support. Your ticket number {i} has been received, and an agent will reply within one business day." })));
        return path;
    }

    [Fact]
    public void Keygen_adds_the_built_in_filter_and_detect_reports_the_scored_share()
    {
        string key = Path.Combine(Dir, "default.distill");
        var (code, output, err) = Run("keygen", "--out", key);
        Assert.True(code == 0, err);
        Assert.Contains("brown-train/1", output);
        Assert.Equal("brown-train/1", WatermarkProfile.Load(key).Descriptor.Reference!.Corpora.Single().Name);

        string text = Path.Combine(Dir, "text.txt");
        File.WriteAllText(text, "The jury said that the election was conducted in a fair way, and that the city of Atlanta deserved the praise and thanks of the people for the manner in which it was held.");
        (code, output, err) = Run("detect", "--key", key, text, "--json");
        Assert.True(code == 0, err);
        JsonElement result = JsonDocument.Parse(output).RootElement;
        Assert.True(result.GetProperty("skippedCommon").GetInt64() > 0, output);
        double share = result.GetProperty("scoredShare").GetDouble();
        Assert.InRange(share, 0.01, 0.99);
        Assert.Contains("brown-train/1", result.GetProperty("referenceFilter").GetString());

        (code, output, err) = Run("detect", "--key", key, text);
        Assert.True(code == 0, err);
        Assert.Contains("common in the reference", output);

        // --no-reference: every pair scored, and said so.
        string bare = Path.Combine(Dir, "bare.distill");
        Assert.Equal(0, Run("keygen", "--out", bare, "--no-reference").Code);
        Assert.Null(WatermarkProfile.Load(bare).Descriptor.Reference);
        (code, output, _) = Run("detect", "--key", bare, text);
        Assert.Equal(0, code);
        Assert.Contains("every pair scored", output);
    }

    [Fact]
    public void A_profile_naming_the_users_corpus_needs_it_at_detection_and_calibrate_can_add_one()
    {
        string reference = WriteReference();
        string key = Path.Combine(Dir, "ours.distill");
        var (code, _, err) = Run("keygen", "--out", key, "--reference", reference);
        Assert.True(code == 0, err);
        Assert.Equal(["brown-train/1", "ours.jsonl"], WatermarkProfile.Load(key).Descriptor.Reference!.Corpora.Select(c => c.Name));

        string text = Path.Combine(Dir, "ticket.txt");
        File.WriteAllText(text, "Thank you for contacting support. Your ticket number 7 has been received, and an agent will reply within one business day.");
        (code, _, err) = Run("detect", "--key", key, text);
        Assert.Equal(2, code);
        Assert.Contains("ours.jsonl", err);

        (code, string output, err) = Run("detect", "--key", key, text, "--reference", reference, "--json");
        Assert.True(code == 0, err);
        JsonElement result = JsonDocument.Parse(output).RootElement;
        Assert.True(result.GetProperty("scoredShare").GetDouble() < 0.2, output);

        // Another file under the same name is refused: its tokens differ from those the descriptor names.
        string edited = Path.Combine(Dir, "edited", "ours.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(edited)!);
        File.WriteAllLines(edited, File.ReadAllLines(reference).Skip(1));
        (code, _, err) = Run("detect", "--key", key, text, "--reference", edited);
        Assert.Equal(2, code);

        // calibrate adds a reference to an existing profile (same key) and writes it with --out.
        string plain = Path.Combine(Dir, "plain.distill");
        Assert.Equal(0, Run("keygen", "--out", plain).Code);
        string human = Path.Combine(Dir, "human.txt");
        File.WriteAllText(human, string.Join(' ', Enumerable.Repeat("The committee met on Tuesday to discuss the new budget for the schools of the county, and the members agreed on most points.", 3)));
        string added = Path.Combine(Dir, "added.distill");
        (code, output, err) = Run("calibrate", "--key", plain, human, "--reference", reference, "--out", added);
        Assert.True(code == 0, err);
        Assert.Contains("Wrote", output);
        WatermarkProfile before = WatermarkProfile.Load(plain), after = WatermarkProfile.Load(added);
        Assert.Equal(before.Key.KeyId, after.Key.KeyId);
        Assert.Equal(["brown-train/1", "ours.jsonl"], after.Descriptor.Reference!.Corpora.Select(c => c.Name));
        Assert.Equal(before.Descriptor with { Reference = null }, after.Descriptor with { Reference = null });

        // --out needs a reference; schemes without green lists take none.
        Assert.Equal(2, Run("calibrate", "--key", plain, human, "--out", Path.Combine(Dir, "x.distill")).Code);
        (code, _, err) = Run("keygen", "--out", Path.Combine(Dir, "g.distill"), "--scheme", "gumbel", "--reference", reference);
        Assert.Equal(2, code);
        Assert.Contains("no green lists", err);
        Assert.Equal(2, Run("keygen", "--out", Path.Combine(Dir, "n.distill"), "--no-reference", "--reference", reference).Code);
    }
}
