using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Tokenizers;

namespace Distill.Cli.Tests.Evidence;

/// <summary>
/// What the evidence tests share, made once under fixed keys: a KGW profile (keygen's default), a Unigram and a
/// KGW LeftHash profile; generations, a human text, token ids; and a detect and a radioactivity bundle.
/// </summary>
public sealed class EvidenceFixture : IDisposable
{
    public EvidenceFixture()
    {
        Dir = Directory.CreateTempSubdirectory("distill-cli-evidence-").FullName;
        Kgw = FixedKeyProfile("kgw.distill", 37, []);
        Unigram = FixedKeyProfile("unigram.distill", 41, ["--scheme", "unigram"]);
        LeftHash = FixedKeyProfile("lefthash.distill", 43, ["--seeding", "lefthash", "--context-width", "2", "--delta", "3"]);

        Prompts = Path.Combine(Dir, "prompts.txt");
        File.WriteAllLines(Prompts, ["The history of the city", "In the morning she went", "Scientists have found that", "The committee decided to"]);
        Marked = Generate(Kgw, "marked.jsonl", seed: 2, tokens: 300);
        Suspect = Generate(LeftHash, "suspect.jsonl", seed: 5, tokens: 120);
        string first = JsonDocument.Parse(File.ReadLines(Marked).First()).RootElement.GetProperty("text").GetString()!;
        Essay = Path.Combine(Dir, "essay.txt");
        File.WriteAllText(Essay, first);
        Human = Path.Combine(Dir, "human.txt");
        File.WriteAllText(Human, "The committee met on a rainy Tuesday to argue about the budget of the library, which had not been repaired since the flood of the previous spring, and nobody could agree on who should pay for the new roof.");

        // Token ids as given: the first generation's ids under the profile's tokenizer, a blank line, and a line without an id.
        int[] ids = TextTokenizer.Create(WatermarkProfile.Load(Kgw).Descriptor.Tokenizer!).EncodeToIds(first);
        Ids = Path.Combine(Dir, "ids.jsonl");
        File.WriteAllLines(Ids, [$"{{\"id\": \"ids-1\", \"ids\": [{string.Join(',', ids)}]}}", "", $"{{\"ids\": [{string.Join(',', ids.Take(60))}]}}"]);

        DetectBundle = Path.Combine(Dir, "detect-bundle");
        Expect(EvidenceAssert.RunWithInput("", "detect", "--key", Kgw, Essay, Human, Marked, Ids, "--evidence", DetectBundle));
        RadioactivityBundle = Path.Combine(Dir, "radioactivity-bundle");
        Expect(EvidenceAssert.RunWithInput("", "radioactivity", "--key", LeftHash, "--suspect", Suspect, "--prompts", Prompts, "--filter", Suspect, "--evidence", RadioactivityBundle));
    }

    /// <summary>Gets the folder of the shared files, deleted after the tests.</summary>
    public string Dir { get; }

    public string Kgw { get; }

    public string Unigram { get; }

    public string LeftHash { get; }

    public string Prompts { get; }

    /// <summary>Gets four KGW generations of 300 tokens (.jsonl with id and text).</summary>
    public string Marked { get; }

    /// <summary>Gets four KGW LeftHash generations: a suspect's outputs that carry that watermark.</summary>
    public string Suspect { get; }

    /// <summary>Gets the first KGW generation as a text file.</summary>
    public string Essay { get; }

    public string Human { get; }

    /// <summary>Gets the .jsonl of token ids: line 1 with an id, line 2 blank, line 3 without an id.</summary>
    public string Ids { get; }

    /// <summary>Gets the bundle of detect over the essay, the human text, the generations and the token ids.</summary>
    public string DetectBundle { get; }

    /// <summary>Gets the bundle of the supervised radioactivity test of the suspect.</summary>
    public string RadioactivityBundle { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    // keygen's profile for the options, under a fixed key: every run generates and scores the same text.
    private string FixedKeyProfile(string name, int factor, string[] options)
    {
        string generated = Path.Combine(Dir, "random-" + name);
        Expect(EvidenceAssert.RunWithInput("", ["keygen", "--out", generated, .. options]));
        var key = WatermarkKey.FromBytes(Enumerable.Range(1, WatermarkKey.SizeInBytes).Select(i => unchecked((byte)(i * factor))).ToArray());
        string path = Path.Combine(Dir, name);
        new WatermarkProfile(WatermarkProfile.Load(generated).Descriptor with { KeyId = key.KeyId }, key).Save(path);
        return path;
    }

    private string Generate(string key, string name, int seed, int tokens)
    {
        var (_, output, _) = Expect(EvidenceAssert.RunWithInput("", "generate", "--key", key, "--prompts", Prompts, "--max-tokens", tokens.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture), "--json"));
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, output);
        return path;
    }

    private static (int Code, string Out, string Err) Expect((int Code, string Out, string Err) run) => run.Code == CliApp.Success
        ? run
        : throw new InvalidOperationException($"The fixture's command failed ({run.Code}): {run.Err}");
}
