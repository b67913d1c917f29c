using System.Collections.Generic;
using System.IO;
using Distill.GreenList;
using Distill.Tokenizers;

namespace Distill.Cli;

internal static class KeygenCommand
{
    private static readonly HashSet<string> s_values = ["out", "scheme", "gamma", "delta", "seeding", "context-width", "tokenizer", "self-hash-candidates"];
    private static readonly HashSet<string> s_flags = ["force"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"keygen takes no positional arguments ('{a.Positionals[0]}').");
        }

        string path = a.Require("out");
        string scheme = a.Get("scheme") ?? KgwScheme.SchemeName;
        if (scheme != KgwScheme.SchemeName)
        {
            throw new UsageException($"--scheme '{scheme}' is not supported (supported: kgw).");
        }

        KgwOptions options = ReadKgwOptions(a);
        string tokenizerName = a.Get("tokenizer") ?? TextTokenizer.DefaultName;
        if (!((IList<string>)TextTokenizer.SupportedNames).Contains(tokenizerName))
        {
            throw new UsageException($"--tokenizer '{tokenizerName}' is not supported (supported: {string.Join(", ", TextTokenizer.SupportedNames)}).");
        }

        TextTokenizer tokenizer = TextTokenizer.Create(tokenizerName);
        WatermarkKey key = WatermarkKey.Generate();
        var kgw = KgwScheme.Create(key, options, tokenizer.VocabularySize, tokenizer.Name);
        var profile = new WatermarkProfile(kgw.Descriptor, key);
        if (File.Exists(path) && !a.Has("force"))
        {
            throw new IOException($"'{path}' already exists; pass --force to replace it.");
        }

        profile.Save(path, overwrite: a.Has("force"));
        stdout.WriteLine($"Wrote {path}: key {key.KeyId}, kgw v{KgwScheme.Version} ({Describe(options)}), tokenizer {tokenizer.Name}, descriptor {kgw.Descriptor.Hash}.");
        stdout.WriteLine("Keep this file secret: anyone who holds it can detect and forge the watermark.");
        return CliApp.Success;
    }

    internal static string Describe(KgwOptions o) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{o.Seeding.ToString().ToLowerInvariant()} h={o.ContextWidth}, gamma={o.Gamma}, delta={o.Delta}");

    private static KgwOptions ReadKgwOptions(Arguments a)
    {
        KgwSeeding seeding = (a.Get("seeding") ?? "selfhash").ToLowerInvariant() switch
        {
            "selfhash" => KgwSeeding.SelfHash,
            "lefthash" => KgwSeeding.LeftHash,
            var other => throw new UsageException($"--seeding '{other}' is not one of selfhash, lefthash."),
        };
        int defaultWidth = seeding == KgwSeeding.SelfHash ? 4 : 1;
        try
        {
            var options = new KgwOptions
            {
                Gamma = a.GetDouble("gamma", KgwOptions.Default.Gamma),
                Delta = a.GetDouble("delta", KgwOptions.Default.Delta),
                Seeding = seeding,
                ContextWidth = a.GetInt("context-width", defaultWidth),
                SelfHashCandidates = a.GetInt("self-hash-candidates", KgwOptions.Default.SelfHashCandidates),
            };
            options.Validate();
            return options;
        }
        catch (System.ArgumentException ex)
        {
            throw new UsageException(CliApp.OneLine(ex.Message));
        }
    }
}
