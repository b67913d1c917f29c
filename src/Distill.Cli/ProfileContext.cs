using System;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>A loaded profile with the scheme and tokenizer it names.</summary>
internal sealed class ProfileContext
{
    private readonly Lazy<TextTokenizer> _tokenizer;

    private ProfileContext(string path, WatermarkProfile profile, WatermarkScheme scheme)
    {
        Path = path;
        Profile = profile;
        Scheme = scheme;
        string name = profile.Descriptor.Tokenizer ?? TextTokenizer.DefaultName;
        _tokenizer = new Lazy<TextTokenizer>(() =>
        {
            try
            {
                return TextTokenizer.Create(name);
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

    /// <summary>The same profile with another scheme (its parameters overridden for detection).</summary>
    public ProfileContext WithScheme(WatermarkScheme scheme) => new(Path, Profile, scheme);

    public static ProfileContext Load(string path)
    {
        WatermarkProfile profile = WatermarkProfile.Load(path);
        return new ProfileContext(path, profile, profile.CreateScheme());
    }
}
