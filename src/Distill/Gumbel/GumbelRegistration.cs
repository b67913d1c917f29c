using Distill.Prf;
using Distill.Registry;

namespace Distill.Gumbel;

/// <summary>The registry entry of <see cref="GumbelScheme"/>.</summary>
internal static class GumbelRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [GumbelScheme.SchemeName],
        Version = GumbelScheme.Version,
        PrfVersion = PrfV1.Version,
        Options = d => d.Gumbel,
        AppendHash = (d, hash) => d.Gumbel?.AppendHash(hash),
        Describe = d => d.Gumbel!.ToString(),
        Create = (d, key, _) => GumbelScheme.FromDescriptor(d, key),
        Keygen =
        [
            new()
            {
                Scheme = GumbelScheme.SchemeName,
                Options =
                [
                    new("context-width", "H", "the context tokens hashed (default 4)"),
                    new("variants", "K", "the keyed variants a session draws from (default 1)"),
                ],
                Create = (a, key, vocabularySize, tokenizer) =>
                {
                    var options = new GumbelOptions
                    {
                        ContextWidth = a.GetInt("context-width", GumbelOptions.Default.ContextWidth),
                        Variants = a.GetInt("variants", GumbelOptions.Default.Variants),
                    };
                    return (key, GumbelScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
