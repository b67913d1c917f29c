using Distill.Prf;
using Distill.Registry;

namespace Distill.SynthId;

/// <summary>The registry entry of <see cref="SynthIdScheme"/>.</summary>
internal static class SynthIdRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [SynthIdScheme.SchemeName],
        Version = SynthIdScheme.Version,
        PrfVersion = PrfV1.Version,
        Options = d => d.SynthId,
        AppendHash = (d, hash) => d.SynthId?.AppendHash(hash),
        Describe = d => d.SynthId!.ToString(),
        Create = (d, key, _) => SynthIdScheme.FromDescriptor(d, key),
        Keygen =
        [
            new()
            {
                Scheme = SynthIdScheme.SchemeName,
                Options =
                [
                    new("depth", "M", "the tournament layers (default 30)"),
                    new("context-width", "H", "the context tokens hashed (default 4)"),
                    new("top-k", "K", "the candidates of the tournament (default 40)"),
                    new("context-history", "N", "the contexts remembered to skip repeats (default 1024)"),
                ],
                Create = (a, key, vocabularySize, tokenizer) =>
                {
                    var options = new SynthIdOptions
                    {
                        Depth = a.GetInt("depth", SynthIdOptions.Default.Depth),
                        ContextWidth = a.GetInt("context-width", SynthIdOptions.Default.ContextWidth),
                        TopK = a.GetInt("top-k", SynthIdOptions.Default.TopK),
                        ContextHistory = a.GetInt("context-history", SynthIdOptions.Default.ContextHistory),
                    };
                    return (key, SynthIdScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
