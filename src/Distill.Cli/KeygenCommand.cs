using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distill.ExpEdit;
using Distill.Fingerprinting;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Tokenizers;
using Distill.SynthId;
using Distill.Unigram;

namespace Distill.Cli;

internal static class KeygenCommand
{
    private static readonly HashSet<string> s_values =
    [
        "out", "scheme", "tokenizer",
        "gamma", "delta", "seeding", "context-width", "self-hash-candidates",
        "variants", "depth", "top-k", "context-history", "key-length", "block-length", "edit-penalty",
        "identity-share", "tardos-length", "design-colluders",
        "vocab-size", "vllm-key", "alpha", "look-back",
        "hashing-key", "bias", "keys", "ngram-len", "table-size", "table-seed", "eos",
        "reference", "reference-rate",
    ];

    private static readonly HashSet<string> s_flags = ["force", "legacy-mapping", "skip-first-ngram-calls", "no-reference"];
    private static readonly HashSet<string> s_repeatable = ["reference"];

    /// <summary>The compatibility profiles: keys are the other stack's integers, the tokenizer is the model's (any name).</summary>
    internal static readonly string[] InteropSchemes = [Interop.VllmGumbelScheme.SchemeName, Interop.VllmGumbelScheme.DualKeySchemeName, Interop.HfKgwScheme.SchemeName, Interop.HfSynthIdScheme.SchemeName];

    /// <summary>The schemes keygen can create, in the order the usage text lists them.</summary>
    internal static readonly string[] Schemes = [KgwScheme.SchemeName, UnigramScheme.SchemeName, GumbelScheme.SchemeName, SynthIdScheme.SchemeName, ExpEditScheme.SchemeName, FingerprintScheme.SchemeName, .. InteropSchemes];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        Arguments a = Arguments.Parse(args, s_values, s_flags, s_repeatable);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"keygen takes no positional arguments ('{a.Positionals[0]}').");
        }

        string path = a.Require("out");
        string schemeName = a.Get("scheme") ?? KgwScheme.SchemeName;
        if (File.Exists(path) && !a.Has("force"))
        {
            throw new IOException($"'{path}' already exists; pass --force to replace it.");
        }

        if (Array.IndexOf(InteropSchemes, schemeName) >= 0)
        {
            return RunInterop(schemeName, path, a, stdout);
        }

        string tokenizerName = a.Get("tokenizer") ?? TextTokenizer.DefaultName;
        if (!((IList<string>)TextTokenizer.SupportedNames).Contains(tokenizerName))
        {
            throw new UsageException($"--tokenizer '{tokenizerName}' is not supported (supported: {string.Join(", ", TextTokenizer.SupportedNames)}).");
        }

        if (a.Has("vocab-size"))
        {
            throw new UsageException($"--vocab-size applies to the compatibility profiles ({string.Join(", ", InteropSchemes)}); Distill's own schemes take the tokenizer's.");
        }

        TextTokenizer tokenizer = TextTokenizer.Create(tokenizerName);
        WatermarkKey key = WatermarkKey.Generate();
        WatermarkScheme scheme;
        try
        {
            scheme = WithReference(Create(schemeName, a, key, tokenizer), a, tokenizer);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(CliApp.OneLine(ex.Message));
        }

        var profile = new WatermarkProfile(scheme.Descriptor, key);
        profile.Save(path, overwrite: a.Has("force"));
        SchemeDescriptor d = scheme.Descriptor;
        stdout.WriteLine($"Wrote {path}: key {key.KeyId}, {d.Scheme} v{d.SchemeVersion} ({Describe(d)}), tokenizer {tokenizer.Name}, descriptor {d.Hash}.");
        stdout.WriteLine(d.Reference is { } filter ? $"Detection scores only pairs not common in the reference ({filter})." : "Every pair is scored (no reference filter): p-values hold over random keys, not for this one key.");
        stdout.WriteLine("Keep this file secret: anyone who holds it can detect and forge the watermark.");
        return CliApp.Success;
    }

    /// <summary>keygen for a compatibility profile: the key is the other stack's, given on the command line.</summary>
    private static int RunInterop(string schemeName, string path, Arguments a, TextWriter stdout)
    {
        string? tokenizerName = a.Get("tokenizer");
        bool loadable = tokenizerName is null || ((IList<string>)TextTokenizer.SupportedNames).Contains(tokenizerName);
        if (!a.Has("vocab-size") && !loadable)
        {
            throw new UsageException($"--vocab-size is required: tokenizer '{tokenizerName}' is recorded in the profile but this release cannot load it to read its size.");
        }

        int vocabularySize = a.Has("vocab-size")
            ? a.GetInt("vocab-size", 0, 2, int.MaxValue)
            : TextTokenizer.Create(tokenizerName ?? TextTokenizer.DefaultName).VocabularySize;

        WatermarkKey key;
        WatermarkScheme scheme;
        try
        {
            (key, scheme) = CreateInterop(schemeName, a, vocabularySize, tokenizerName ?? TextTokenizer.DefaultName);
            if (schemeName == Interop.HfKgwScheme.SchemeName && loadable && TextTokenizer.Create(tokenizerName ?? TextTokenizer.DefaultName) is { } tokenizer && tokenizer.VocabularySize == vocabularySize)
            {
                scheme = WithReference(scheme, a, tokenizer);
            }
            else if (a.Has("reference") || a.Has("reference-rate"))
            {
                throw new UsageException("--reference and --reference-rate need a green-list profile whose tokenizer this release can load (o200k_base or cl100k_base, at its vocabulary size).");
            }
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(CliApp.OneLine(ex.Message));
        }

        new WatermarkProfile(scheme.Descriptor, key).Save(path, overwrite: a.Has("force"));
        SchemeDescriptor d = scheme.Descriptor;
        stdout.WriteLine($"Wrote {path}: key {key.KeyId}, {d.Scheme} v{d.SchemeVersion} ({Describe(d)}), tokenizer {d.Tokenizer}, vocabulary {d.VocabularySize}, descriptor {d.Hash}.");
        stdout.WriteLine("Keep this file secret: it holds the integer key itself.");
        return CliApp.Success;
    }

    private static (WatermarkKey Key, WatermarkScheme Scheme) CreateInterop(string scheme, Arguments a, int vocabularySize, string tokenizer)
    {
        switch (scheme)
        {
            case Interop.VllmGumbelScheme.SchemeName:
            case Interop.VllmGumbelScheme.DualKeySchemeName:
                bool dual = scheme == Interop.VllmGumbelScheme.DualKeySchemeName;
                OnlyInterop(a, scheme, dual ? ["vllm-key", "context-width", "alpha", "look-back", "legacy-mapping"] : ["vllm-key", "context-width", "look-back", "legacy-mapping"]);
                WatermarkKey key = WatermarkKey.FromIntegers([ParseUInt64(a.Require("vllm-key"), "vllm-key")]);
                var options = new Interop.VllmOptions
                {
                    ContextWidth = a.GetInt("context-width", Interop.VllmOptions.Default.ContextWidth),
                    DualKey = dual,
                    Alpha = a.GetDouble("alpha", Interop.VllmOptions.Default.Alpha),
                    LookBack = a.GetInt("look-back", Interop.VllmOptions.Default.LookBack),
                    LegacyTokenMapping = a.Has("legacy-mapping"),
                };
                return (key, Interop.VllmGumbelScheme.Create(key, options, vocabularySize, tokenizer));
            case Interop.HfKgwScheme.SchemeName:
                OnlyInterop(a, scheme, ["hashing-key", "gamma", "bias", "seeding", "context-width"]);
                WatermarkKey hashingKey = WatermarkKey.FromIntegers([ParseUInt64(a.Require("hashing-key"), "hashing-key")]);
                var kgw = new Interop.HfKgwOptions
                {
                    Gamma = a.GetDouble("gamma", Interop.HfKgwOptions.Default.Gamma),
                    Bias = a.GetDouble("bias", Interop.HfKgwOptions.Default.Bias),
                    Seeding = (a.Get("seeding") ?? "lefthash").ToLowerInvariant() switch
                    {
                        "lefthash" => KgwSeeding.LeftHash,
                        "selfhash" => KgwSeeding.SelfHash,
                        var other => throw new UsageException($"--seeding '{other}' is not one of lefthash, selfhash."),
                    },
                    ContextWidth = a.GetInt("context-width", Interop.HfKgwOptions.Default.ContextWidth),
                };
                return (hashingKey, Interop.HfKgwScheme.Create(hashingKey, kgw, vocabularySize, tokenizer));
            case Interop.HfSynthIdScheme.SchemeName:
                OnlyInterop(a, scheme, ["keys", "ngram-len", "table-size", "table-seed", "context-history", "eos", "skip-first-ngram-calls"]);
                WatermarkKey keys = WatermarkKey.FromIntegers(ParseKeyList(a.Require("keys")));
                var synthId = new Interop.HfSynthIdOptions
                {
                    NgramLength = a.GetInt("ngram-len", Interop.HfSynthIdOptions.Default.NgramLength),
                    TableSize = a.GetInt("table-size", Interop.HfSynthIdOptions.Default.TableSize),
                    TableSeed = a.Has("table-seed") ? ParseUInt64(a.Get("table-seed")!, "table-seed") : 0,
                    ContextHistory = a.GetInt("context-history", Interop.HfSynthIdOptions.Default.ContextHistory),
                    EosTokenId = a.GetInt("eos", -1, -1, int.MaxValue),
                    SkipFirstNgramCalls = a.Has("skip-first-ngram-calls"),
                };
                return (keys, Interop.HfSynthIdScheme.Create(keys, synthId, vocabularySize, tokenizer));
            default:
                throw new UsageException($"--scheme '{scheme}' is not supported (supported: {string.Join(", ", Schemes)}).");
        }
    }

    // Refuses parameters that do not apply to a compatibility profile (flags included).
    private static void OnlyInterop(Arguments a, string scheme, string[] allowed)
    {
        foreach (string name in s_values.Concat(s_flags))
        {
            if (name is not ("out" or "scheme" or "tokenizer" or "vocab-size" or "force" or "reference" or "reference-rate" or "no-reference") && Array.IndexOf(allowed, name) < 0 && a.Has(name))
            {
                throw new UsageException($"--{name} does not apply to --scheme {scheme} (its parameters: --{string.Join(", --", allowed)}).");
            }
        }
    }

    /// <summary>SynthID's keys: comma-separated integers (Python ints, taken as 64-bit two's complement).</summary>
    private static ulong[] ParseKeyList(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (long.TryParse(parts[i], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long signed))
            {
                words[i] = unchecked((ulong)signed);
            }
            else if (!ulong.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out words[i]))
            {
                throw new UsageException($"--keys must be comma-separated 64-bit integers; '{parts[i]}' is not one.");
            }
        }

        return words;
    }

    /// <summary>An unsigned 64-bit integer option, decimal or 0x hexadecimal.</summary>
    internal static ulong ParseUInt64(string text, string name)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        return ulong.TryParse(hex ? text[2..] : text, hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new UsageException($"--{name} must be an unsigned 64-bit integer (decimal or 0x hexadecimal), not '{text}'.");
    }

    /// <summary>
    /// The scheme with its reference filter (the built-in corpus and each --reference file), unless
    /// --no-reference; schemes without green lists get none.
    /// </summary>
    private static WatermarkScheme WithReference(WatermarkScheme scheme, Arguments a, TextTokenizer tokenizer)
    {
        bool greenList = scheme is KgwScheme or UnigramScheme or FingerprintScheme or Interop.HfKgwScheme;
        if (a.Has("no-reference") || !greenList)
        {
            if (a.Has("reference") || a.Has("reference-rate"))
            {
                throw new UsageException(greenList
                    ? "--no-reference cannot be combined with --reference or --reference-rate."
                    : $"Scheme '{scheme.Descriptor.Scheme}' has no green lists: --reference and --reference-rate apply to kgw, unigram, kgw-fingerprint and hf-kgw.");
            }

            return scheme;
        }

        int? rate = a.Has("reference-rate") ? a.GetInt("reference-rate", 0, 1, 1_000_000) : null;
        List<Reference.ReferenceCorpus> corpora = [ReferenceCorpora.Brown(tokenizer), .. ProfileContext.ReadReferences(a.GetAll("reference"), tokenizer)];
        return scheme.WithReference(corpora, rate);
    }

    /// <summary>The parameters of a descriptor in one line.</summary>
    internal static string Describe(SchemeDescriptor d) => d switch
    {
        { Kgw: { } o } => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{o.Seeding.ToString().ToLowerInvariant()} h={o.ContextWidth}, gamma={o.Gamma}, delta={o.Delta}{DescribeFingerprint(d.Fingerprint)}"),
        { Vllm: { } v } => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"context width {v.ContextWidth}{(v.DualKey ? $", dual key alpha={v.Alpha}" : "")}{(v.LegacyTokenMapping ? ", legacy token mapping" : "")}, look-back {v.LookBack}"),
        { HfKgw: { } k } => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{k.Seeding.ToString().ToLowerInvariant()} width {k.ContextWidth}, gamma={k.Gamma}, bias={k.Bias}"),
        { HfSynthId: { } h } => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"n-gram {h.NgramLength}, table 2^{System.Numerics.BitOperations.Log2((uint)h.TableSize)} seed {h.TableSeed}, history {h.ContextHistory}{(h.EosTokenId >= 0 ? $", EOS {h.EosTokenId}" : "")}{(h.SkipFirstNgramCalls ? ", first calls skipped" : "")}"),
        _ => ((object?)d.Unigram ?? (object?)d.Gumbel ?? (object?)d.SynthId ?? d.ExpEdit)?.ToString() ?? "",
    };

    private static string DescribeFingerprint(FingerprintOptions? f) => f is null
        ? ""
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; fingerprint: {FingerprintOptions.IdentityBits} identity + {f.TardosLength} Tardos positions, identity share {f.IdentityShare}, designed for {f.DesignColluders} colluders");

    private static WatermarkScheme Create(string scheme, Arguments a, WatermarkKey key, TextTokenizer tokenizer)
    {
        switch (scheme)
        {
            case KgwScheme.SchemeName:
                return KgwScheme.Create(key, ReadKgwOptions(a), tokenizer.VocabularySize, tokenizer.Name);
            case UnigramScheme.SchemeName:
                Only(a, scheme, "gamma", "delta");
                var unigram = new UnigramOptions
                {
                    Gamma = a.GetDouble("gamma", UnigramOptions.Default.Gamma),
                    Delta = a.GetDouble("delta", UnigramOptions.Default.Delta),
                };
                return UnigramScheme.Create(key, unigram, tokenizer.VocabularySize, tokenizer.Name);
            case GumbelScheme.SchemeName:
                Only(a, scheme, "context-width", "variants");
                var gumbel = new GumbelOptions
                {
                    ContextWidth = a.GetInt("context-width", GumbelOptions.Default.ContextWidth),
                    Variants = a.GetInt("variants", GumbelOptions.Default.Variants),
                };
                return GumbelScheme.Create(key, gumbel, tokenizer.VocabularySize, tokenizer.Name);
            case SynthIdScheme.SchemeName:
                Only(a, scheme, "depth", "context-width", "top-k", "context-history");
                var synthId = new SynthIdOptions
                {
                    Depth = a.GetInt("depth", SynthIdOptions.Default.Depth),
                    ContextWidth = a.GetInt("context-width", SynthIdOptions.Default.ContextWidth),
                    TopK = a.GetInt("top-k", SynthIdOptions.Default.TopK),
                    ContextHistory = a.GetInt("context-history", SynthIdOptions.Default.ContextHistory),
                };
                return SynthIdScheme.Create(key, synthId, tokenizer.VocabularySize, tokenizer.Name);
            case ExpEditScheme.SchemeName:
                Only(a, scheme, "key-length", "block-length", "edit-penalty");
                var expEdit = new ExpEditOptions
                {
                    KeyLength = a.GetInt("key-length", ExpEditOptions.Default.KeyLength),
                    BlockLength = a.GetInt("block-length", ExpEditOptions.Default.BlockLength),
                    EditPenalty = a.GetDouble("edit-penalty", ExpEditOptions.Default.EditPenalty),
                };
                return ExpEditScheme.Create(key, expEdit, tokenizer.VocabularySize, tokenizer.Name);
            case FingerprintScheme.SchemeName:
                Only(a, scheme, "gamma", "delta", "context-width", "identity-share", "tardos-length", "design-colluders");
                KgwOptions zeroBit = FingerprintScheme.DefaultZeroBit;
                zeroBit = zeroBit with
                {
                    Gamma = a.GetDouble("gamma", zeroBit.Gamma),
                    Delta = a.GetDouble("delta", zeroBit.Delta),
                    ContextWidth = a.GetInt("context-width", zeroBit.ContextWidth),
                };
                zeroBit.Validate();
                var fingerprint = new FingerprintOptions
                {
                    IdentityShare = a.GetDouble("identity-share", FingerprintOptions.Default.IdentityShare),
                    TardosLength = a.GetInt("tardos-length", FingerprintOptions.Default.TardosLength),
                    DesignColluders = a.GetInt("design-colluders", FingerprintOptions.Default.DesignColluders),
                };
                return FingerprintScheme.Create(key, zeroBit, fingerprint, tokenizer.VocabularySize, tokenizer.Name);
            default:
                throw new UsageException($"--scheme '{scheme}' is not supported (supported: {string.Join(", ", Schemes)}).");
        }
    }

    // Refuses parameters of other schemes, so that "--scheme unigram --context-width 3" is not silently ignored.
    private static void Only(Arguments a, string scheme, params string[] allowed)
    {
        foreach (string name in s_values)
        {
            if (name is not ("out" or "scheme" or "tokenizer" or "reference" or "reference-rate") && Array.IndexOf(allowed, name) < 0 && a.Has(name))
            {
                throw new UsageException($"--{name} does not apply to --scheme {scheme} (its parameters: {(allowed.Length == 0 ? "none" : "--" + string.Join(", --", allowed))}).");
            }
        }
    }

    private static KgwOptions ReadKgwOptions(Arguments a)
    {
        Only(a, KgwScheme.SchemeName, "gamma", "delta", "seeding", "context-width", "self-hash-candidates");
        KgwSeeding seeding = (a.Get("seeding") ?? "selfhash").ToLowerInvariant() switch
        {
            "selfhash" => KgwSeeding.SelfHash,
            "lefthash" => KgwSeeding.LeftHash,
            var other => throw new UsageException($"--seeding '{other}' is not one of selfhash, lefthash."),
        };
        int defaultWidth = seeding == KgwSeeding.SelfHash ? 4 : 1;
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
}
