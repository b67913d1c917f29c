using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distill.Reference;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>A loaded profile with the scheme and tokenizer it names.</summary>
internal sealed class ProfileContext
{
    private readonly Lazy<TextTokenizer> _tokenizer;

    private ProfileContext(string path, WatermarkProfile profile, WatermarkScheme scheme, bool foldConfusables = false)
    {
        Path = path;
        Profile = profile;
        Scheme = scheme;
        FoldsConfusables = foldConfusables;
        string name = profile.Descriptor.Tokenizer ?? TextTokenizer.DefaultName;
        _tokenizer = new Lazy<TextTokenizer>(() =>
        {
            try
            {
                TextTokenizer tokenizer = TextTokenizer.Create(name);
                return foldConfusables ? tokenizer.WithConfusablesFolded() : tokenizer;
            }
            catch (ArgumentException)
            {
                // Interop profiles may name a model's tokenizer that Distill cannot load: ids still work.
                throw new UsageException($"The profile '{path}' names tokenizer '{name}', which this release cannot load (supported: {string.Join(", ", TextTokenizer.SupportedNames)}); pass token ids instead (a .jsonl input whose lines carry \"ids\").");
            }
        });
    }

    public string Path { get; }

    public WatermarkProfile Profile { get; }

    public WatermarkScheme Scheme { get; }

    /// <summary>Gets the profile's tokenizer, loaded on first use (a usage error when this release cannot load it).</summary>
    public TextTokenizer Tokenizer => _tokenizer.Value;

    /// <summary>Gets a value indicating whether the tokenizer folds look-alike letters into Latin ones (--fold-homoglyphs).</summary>
    public bool FoldsConfusables { get; }

    /// <summary>The same profile with another scheme (its parameters overridden for detection).</summary>
    public ProfileContext WithScheme(WatermarkScheme scheme) => new(Path, Profile, scheme, FoldsConfusables);

    /// <summary>The same profile whose tokenizer folds Cyrillic, Greek and fullwidth look-alikes of Latin letters (<see cref="TextTokenizer.WithConfusablesFolded"/>).</summary>
    public ProfileContext WithConfusablesFolded() => new(Path, Profile, Scheme, foldConfusables: true);

    /// <summary>
    /// Loads a profile. With <paramref name="detection"/>, the scheme gets the reference corpora its
    /// descriptor's filter names: the built-in ones, and the user's among <paramref name="referenceFiles"/>.
    /// </summary>
    public static ProfileContext Load(string path, IReadOnlyList<string>? referenceFiles = null, bool detection = true)
    {
        WatermarkProfile profile = WatermarkProfile.Load(path);
        referenceFiles ??= [];
        if (profile.Descriptor.Reference is null)
        {
            if (referenceFiles.Count > 0)
            {
                throw new UsageException($"The profile '{path}' names no reference filter, so --reference has nothing to match; add one with 'distill calibrate --key {path} --reference FILE --out NEW'.");
            }

            return new ProfileContext(path, profile, profile.CreateScheme());
        }

        if (!detection)
        {
            return new ProfileContext(path, profile, profile.CreateScheme());
        }

        var context = new ProfileContext(path, profile, profile.CreateScheme());
        try
        {
            IReadOnlyList<ReferenceCorpus> supplied = ReadReferences(referenceFiles, context.Tokenizer);
            return context.WithScheme(profile.CreateScheme(ReferenceCorpora.Resolve(profile.Descriptor, context.Tokenizer, supplied)));
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"The profile '{path}': {CliApp.OneLine(ex.Message)}");
        }
    }

    /// <summary>
    /// Loads a profile and adds the user's reference corpora in <paramref name="referenceFiles"/> to its
    /// filter (a profile without one gets the built-in corpus and those), at the filter's rate.
    /// </summary>
    public static ProfileContext LoadAddingReferences(string path, IReadOnlyList<string> referenceFiles)
    {
        WatermarkProfile profile = WatermarkProfile.Load(path);
        var context = new ProfileContext(path, profile, profile.CreateScheme());
        try
        {
            IReadOnlyList<ReferenceCorpus> supplied = ReadReferences(referenceFiles, context.Tokenizer);
            IReadOnlyList<ReferenceCorpus> existing = ReferenceCorpora.Resolve(profile.Descriptor, context.Tokenizer, supplied) ?? [ReferenceCorpora.Brown(context.Tokenizer)];
            List<ReferenceCorpus> all = [.. existing, .. supplied.Where(c => !existing.Any(e => e.Id.Equals(c.Id)))];
            WatermarkScheme scheme = profile.CreateScheme(existing).WithReference(all, profile.Descriptor.Reference?.DocumentsPerMillionTokens);
            return context.WithScheme(scheme);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new UsageException($"The profile '{path}': {CliApp.OneLine(ex.Message)}");
        }
    }

    /// <summary>Reads each file (text, '-' or .jsonl, as detect reads inputs) as a reference corpus named by its file name.</summary>
    public static IReadOnlyList<ReferenceCorpus> ReadReferences(IReadOnlyList<string> files, TextTokenizer tokenizer)
    {
        var corpora = new List<ReferenceCorpus>(files.Count);
        foreach (string file in files)
        {
            if (file == "-")
            {
                throw new UsageException("--reference needs a file, not standard input.");
            }

            var texts = InputReader.ReadDocuments(file, TextReader.Null).Select(d => d.Text).ToList();
            corpora.Add(ReferenceCorpora.FromTexts(System.IO.Path.GetFileName(file), texts, tokenizer));
        }

        return corpora;
    }
}
