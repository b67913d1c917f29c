using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>A loaded profile with the scheme and tokenizer it names.</summary>
internal sealed class ProfileContext
{
    private ProfileContext(WatermarkProfile profile, WatermarkScheme scheme, TextTokenizer tokenizer)
    {
        Profile = profile;
        Scheme = scheme;
        Tokenizer = tokenizer;
    }

    public WatermarkProfile Profile { get; }

    public WatermarkScheme Scheme { get; }

    public TextTokenizer Tokenizer { get; }

    public static ProfileContext Load(string path)
    {
        WatermarkProfile profile = WatermarkProfile.Load(path);
        WatermarkScheme scheme = profile.CreateScheme();

        TextTokenizer tokenizer = TextTokenizer.Create(profile.Descriptor.Tokenizer ?? TextTokenizer.DefaultName);
        return new ProfileContext(profile, scheme, tokenizer);
    }
}
