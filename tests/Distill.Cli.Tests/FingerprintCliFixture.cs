using System;
using System.IO;
using System.Linq;
using Distill.Evaluation;
using Distill.Fingerprinting;
using Distill.Tokenizers;

namespace Distill.Cli.Tests;

/// <summary>
/// What the fingerprint command tests share, made once: a kgw-fingerprint profile (fixed key), a registry of
/// 1,000 tenant names (acme and globex among them) and four generations of 500 tokens for each of those two tenants.
/// </summary>
public sealed class FingerprintCliFixture : IDisposable
{
    public const int RegistrySize = 1_000;

    public FingerprintCliFixture()
    {
        Dir = Directory.CreateTempSubdirectory("distill-cli-fingerprint-").FullName;
        Key = Path.Combine(Dir, "fingerprint.distill");

        // The profile keygen --scheme kgw-fingerprint writes, under a fixed key so that every run traces the same text.
        var secret = new byte[WatermarkKey.SizeInBytes];
        new Random(20_261_201).NextBytes(secret);
        var key = WatermarkKey.FromBytes(secret);
        TextTokenizer tokenizer = BuiltInModel.Tokenizer;
        var scheme = FingerprintScheme.Create(key, FingerprintScheme.DefaultZeroBit, FingerprintOptions.Default, tokenizer.VocabularySize, tokenizer.Name);
        new WatermarkProfile(scheme.Descriptor, key).Save(Key);

        Registry = Path.Combine(Dir, "tenants.txt");
        File.WriteAllLines(Registry, ["# issued tenants", "acme", "", .. Enumerable.Range(0, RegistrySize - 2).Select(i => $"customer-{i}"), "globex"]);

        string prompts = Path.Combine(Dir, "prompts.txt");
        File.WriteAllLines(prompts, ["The committee said on Tuesday that", "In the evening the village", "Mr. Brown told the board", "After the war the city"]);
        Acme = Generate("acme", prompts, seed: 11);
        Globex = Generate("globex", prompts, seed: 23);
    }

    /// <summary>Gets the folder of the shared files, deleted after the tests.</summary>
    public string Dir { get; }

    /// <summary>Gets the kgw-fingerprint profile's path.</summary>
    public string Key { get; }

    /// <summary>Gets the registry's path: acme, 998 customers and globex (with a comment and a blank line).</summary>
    public string Registry { get; }

    /// <summary>Gets the .jsonl file of acme's four generations.</summary>
    public string Acme { get; }

    /// <summary>Gets the .jsonl file of globex's four generations.</summary>
    public string Globex { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    private string Generate(string tenant, string prompts, int seed)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["generate", "--key", Key, "--tenant", tenant, "--prompts", prompts, "--max-tokens", "500", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"], new StringReader(""), stdout, stderr);
        Expect(code, stderr.ToString());
        string path = Path.Combine(Dir, tenant + ".jsonl");
        File.WriteAllText(path, stdout.ToString());
        return path;
    }

    private static void Expect(int code, string error)
    {
        if (code != CliApp.Success)
        {
            throw new InvalidOperationException($"The fixture's command failed ({code}): {error}");
        }
    }
}
