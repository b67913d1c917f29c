using System;
using Distill.GreenList;
using Distill.Tokenizers;

namespace Distill.Cli;

/// <summary>A loaded profile with the scheme and tokenizer it names.</summary>
internal sealed class ProfileContext
{
    private ProfileContext(WatermarkProfile profile, KgwScheme scheme, TextTokenizer tokenizer)
    {
        Profile = profile;
        Scheme = scheme;
        Tokenizer = tokenizer;
    }

    public WatermarkProfile Profile { get; }

    public KgwScheme Scheme { get; }

    public TextTokenizer Tokenizer { get; }

    public static ProfileContext Load(string path)
    {
        WatermarkProfile profile = WatermarkProfile.Load(path);
        if (profile.CreateScheme() is not KgwScheme scheme)
        {
            throw new NotSupportedException($"The profile's scheme '{profile.Descriptor.Scheme}' is not supported by this command.");
        }

        TextTokenizer tokenizer = TextTokenizer.Create(profile.Descriptor.Tokenizer ?? TextTokenizer.DefaultName);
        return new ProfileContext(profile, scheme, tokenizer);
    }
}
