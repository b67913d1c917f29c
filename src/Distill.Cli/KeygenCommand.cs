using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Registry;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>
/// <c>distill keygen</c>: a new profile for any scheme in the registry. The options, their checks and
/// the usage text come from each scheme's <see cref="SchemeKeygen"/> entries; this command adds only
/// what needs a tokenizer (the vocabulary size and the reference filter's built-in corpus).
/// </summary>
internal static class KeygenCommand
{
    private const int Width = 100;

    private static readonly string[] s_commonValues = ["out", "scheme", "tokenizer", "vocab-size", "reference", "reference-rate"];
    private static readonly string[] s_commonFlags = ["force", "no-reference"];
    private static readonly HashSet<string> s_repeatable = ["reference"];

    /// <summary>Gets the schemes keygen can create, in the registry's order (the usage text's).</summary>
    internal static IReadOnlyList<SchemeKeygen> Schemes => [.. SchemeRegistry.All.SelectMany(r => r.Keygen)];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        IReadOnlyList<SchemeKeygen> schemes = Schemes;
        var values = new HashSet<string>(s_commonValues, StringComparer.Ordinal);
        var flags = new HashSet<string>(s_commonFlags, StringComparer.Ordinal);
        foreach (KeygenOption option in schemes.SelectMany(k => k.Options))
        {
            (option.IsFlag ? flags : values).Add(option.Name);
        }

        Arguments a = Arguments.Parse(args, values, flags, s_repeatable);
        if (a.Positionals.Count > 0)
        {
            throw new UsageException($"keygen takes no positional arguments ('{a.Positionals[0]}').");
        }

        string path = a.Require("out");
        string schemeName = a.Get("scheme") ?? GreenList.KgwScheme.SchemeName;
        if (File.Exists(path) && !a.Has("force"))
        {
            throw new IOException($"'{path}' already exists; pass --force to replace it.");
        }

        SchemeKeygen keygen = schemes.FirstOrDefault(k => k.Scheme == schemeName)
            ?? throw new UsageException($"--scheme '{schemeName}' is not supported (supported: {string.Join(", ", schemes.Select(k => k.Scheme))}).");

        // Refuses the parameters of other schemes, so that "--scheme unigram --context-width 3" is not silently ignored.
        foreach (string name in schemes.SelectMany(k => k.Options).Select(o => o.Name).Distinct(StringComparer.Ordinal))
        {
            if (a.Has(name) && !keygen.Options.Any(o => o.Name == name))
            {
                throw new UsageException($"--{name} does not apply to --scheme {keygen.Scheme} (its parameters: {(keygen.Options.Count == 0 ? "none" : "--" + string.Join(", --", keygen.Options.Select(o => o.Name)))}).");
            }
        }

        return keygen.TakesKey ? RunInterop(keygen, path, a, stdout) : RunOwn(keygen, path, a, stdout);
    }

    /// <summary>Gets keygen's part of the usage text, generated from the registry.</summary>
    internal static string Usage()
    {
        IReadOnlyList<SchemeKeygen> schemes = Schemes;
        List<SchemeKeygen> own = [.. schemes.Where(k => !k.TakesKey)];
        List<SchemeKeygen> interop = [.. schemes.Where(k => k.TakesKey)];
        var text = new StringBuilder();
        Wrap(text, "  keygen    ", "            ", ["--out FILE", $"[--scheme {string.Join('|', own.Select(k => k.Scheme))}]", $"[--tokenizer {string.Join('|', TextTokenizer.SupportedNames)}]", "[--force]", .. "and the scheme's parameters:".Split(' ')]);
        foreach (SchemeKeygen keygen in own)
        {
            WriteScheme(text, keygen);
        }

        IEnumerable<string> greenOwn = own.Where(k => SupportsReference(k.Scheme)).Select(k => k.Scheme);
        IEnumerable<string> greenInterop = interop.Where(k => SupportsReference(k.Scheme)).Select(k => $"{k.Scheme} with {string.Join(" or ", TextTokenizer.SupportedNames)}");
        Wrap(text, "            ", "            ", "Create a watermark profile (a new secret key and its parameters).");
        Wrap(text, "            ", "            ", $"Green-list schemes ({string.Join("; ", new[] { string.Join(", ", greenOwn), string.Join(", ", greenInterop) }.Where(s => s.Length > 0))}) get a reference filter: detection leaves unscored the pairs common in the built-in reference text (the Brown training split) and in each --reference FILE, so p-values stay honest under this one key. --reference-rate N sets how common (documents per million reference tokens); --no-reference scores every pair (p-values then hold over random keys only).");
        if (interop.Count > 0)
        {
            Wrap(text, "            ", "            ", $"Compatibility profiles take the other stack's key and the model's tokenizer name (any; --vocab-size V is then required unless it is {string.Join('/', TextTokenizer.SupportedNames)}):");
            foreach (SchemeKeygen keygen in interop)
            {
                WriteScheme(text, keygen);
            }
        }

        Wrap(text, "            ", "            ", "distill keygen --scheme NAME --help lists the scheme's parameters with their defaults.");
        return text.ToString();
    }

    /// <summary>The help of one scheme's keygen options (<c>distill keygen --scheme NAME --help</c>), or <see langword="null"/> for an unknown name.</summary>
    internal static string? Help(string scheme)
    {
        if (Schemes.FirstOrDefault(k => k.Scheme == scheme) is not { } keygen)
        {
            return null;
        }

        var text = new StringBuilder();
        Wrap(text, "Usage: distill keygen ", "                      ", ["--out FILE", $"--scheme {keygen.Scheme}", .. keygen.Options.Select(o => o.Usage)]);
        if (keygen.Note is { } note)
        {
            Wrap(text, "  ", "  ", note);
        }

        foreach (KeygenOption option in keygen.Options)
        {
            string name = option.IsFlag ? $"--{option.Name}" : $"--{option.Name} {option.Value}";
            Wrap(text, $"  {name,-28} ", new string(' ', 31), option.Help + (option.Required ? " (required)" : ""));
        }

        return text.ToString();
    }

    private static void WriteScheme(StringBuilder text, SchemeKeygen keygen)
    {
        string first = keygen.Scheme.Length < 10 ? $"              {keygen.Scheme,-9} " : $"              {keygen.Scheme} ";
        Wrap(text, first, new string(' ', 24), [.. keygen.Options.Select(o => o.Usage)]);
        if (keygen.Note is { } note)
        {
            Wrap(text, new string(' ', 24), new string(' ', 24), note);
        }
    }

    // Appends the words after first, breaking lines before Width and indenting the others by rest.
    private static void Wrap(StringBuilder text, string first, string rest, string words) =>
        Wrap(text, first, rest, words.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    // Appends the tokens (words, or options that stay on one line) the same way.
    private static void Wrap(StringBuilder text, string first, string rest, IReadOnlyList<string> tokens)
    {
        var line = new StringBuilder(first);
        bool empty = true;
        foreach (string token in tokens)
        {
            if (!empty && line.Length + 1 + token.Length > Width)
            {
                text.Append(line).Append('\n');
                line.Clear().Append(rest);
                empty = true;
            }

            line.Append(empty ? "" : " ").Append(token);
            empty = false;
        }

        text.Append(line).Append('\n');
    }

    private static bool SupportsReference(string scheme) => SchemeRegistry.Find(scheme)?.SupportsReference == true;

    /// <summary>keygen for one of Distill's own schemes: a new key, the vocabulary of a tokenizer Distill loads.</summary>
    private static int RunOwn(SchemeKeygen keygen, string path, Arguments a, TextWriter stdout)
    {
        string tokenizerName = a.Get("tokenizer") ?? TextTokenizer.DefaultName;
        if (!((IList<string>)TextTokenizer.SupportedNames).Contains(tokenizerName))
        {
            throw new UsageException($"--tokenizer '{tokenizerName}' is not supported (supported: {string.Join(", ", TextTokenizer.SupportedNames)}).");
        }

        if (a.Has("vocab-size"))
        {
            throw new UsageException($"--vocab-size applies to the compatibility profiles ({string.Join(", ", Schemes.Where(k => k.TakesKey).Select(k => k.Scheme))}); Distill's own schemes take the tokenizer's.");
        }

        TextTokenizer tokenizer = TextTokenizer.Create(tokenizerName);
        WatermarkKey key;
        WatermarkScheme scheme;
        try
        {
            (key, scheme) = keygen.Create(a, WatermarkKey.Generate(), tokenizer.VocabularySize, tokenizer.Name);
            scheme = WithReference(scheme, a, tokenizer);
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
    private static int RunInterop(SchemeKeygen keygen, string path, Arguments a, TextWriter stdout)
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
            (key, scheme) = keygen.Create(a, WatermarkKey.Generate(), vocabularySize, tokenizerName ?? TextTokenizer.DefaultName);
            if (SupportsReference(keygen.Scheme) && loadable && TextTokenizer.Create(tokenizerName ?? TextTokenizer.DefaultName) is { } tokenizer && tokenizer.VocabularySize == vocabularySize)
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

    /// <summary>
    /// The scheme with its reference filter (the built-in corpus and each --reference file), unless
    /// --no-reference; schemes without green lists get none.
    /// </summary>
    private static WatermarkScheme WithReference(WatermarkScheme scheme, Arguments a, TextTokenizer tokenizer)
    {
        bool greenList = SupportsReference(scheme.Descriptor.Scheme);
        if (a.Has("no-reference") || !greenList)
        {
            if (a.Has("reference") || a.Has("reference-rate"))
            {
                List<string> green = [.. SchemeRegistry.GreenListNames];
                throw new UsageException(greenList
                    ? "--no-reference cannot be combined with --reference or --reference-rate."
                    : $"Scheme '{scheme.Descriptor.Scheme}' has no green lists: --reference and --reference-rate apply to {string.Join(", ", green.Take(green.Count - 1))} and {green[^1]}.");
            }

            return scheme;
        }

        int? rate = a.Has("reference-rate") ? a.GetInt("reference-rate", 0, 1, 1_000_000) : null;
        List<Reference.ReferenceCorpus> corpora = [ReferenceCorpora.Brown(tokenizer), .. ProfileContext.ReadReferences(a.GetAll("reference"), tokenizer)];
        return scheme.WithReference(corpora, rate);
    }

    /// <summary>The parameters of a descriptor in one line (its registration's description).</summary>
    internal static string Describe(SchemeDescriptor d) => SchemeRegistry.Find(d.Scheme)?.Describe(d) ?? "";
}
