using Distill.Prf;
using Distill.Registry;

namespace Distill.Unigram;

/// <summary>The registry entry of <see cref="UnigramScheme"/>.</summary>
internal static class UnigramRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [UnigramScheme.SchemeName],
        Version = UnigramScheme.Version,
        PrfVersion = PrfV1.Version,
        SupportsReference = true,
        Options = d => d.Unigram,
        AppendHash = (d, hash) => d.Unigram?.AppendHash(hash),
        Describe = d => d.Unigram!.ToString(),
        Create = UnigramScheme.FromDescriptor,
        Keygen =
        [
            new()
            {
                Scheme = UnigramScheme.SchemeName,
                Options =
                [
                    new("gamma", "G", "the green share of the vocabulary (default 0.5)"),
                    new("delta", "D", "the bias added to green logits (default 2)"),
                ],
                Create = (a, key, vocabularySize, tokenizer) =>
                {
                    var options = new UnigramOptions
                    {
                        Gamma = a.GetDouble("gamma", UnigramOptions.Default.Gamma),
                        Delta = a.GetDouble("delta", UnigramOptions.Default.Delta),
                    };
                    return (key, UnigramScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
