using System.Globalization;
using Distill.GreenList;
using Distill.Registry;

namespace Distill.Interop;

/// <summary>The registry entry of <see cref="HfKgwScheme"/>.</summary>
internal static class HfKgwRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [HfKgwScheme.SchemeName],
        Version = HfKgwScheme.Version,
        PrfVersion = HfKgwScheme.PrfVersion,
        SupportsReference = true,
        Options = d => d.HfKgw,
        AppendHash = (d, hash) => d.HfKgw?.AppendHash(hash),
        Describe = d =>
        {
            HfKgwOptions k = d.HfKgw!;
            return string.Create(CultureInfo.InvariantCulture, $"{k.Seeding.ToString().ToLowerInvariant()} width {k.ContextWidth}, gamma={k.Gamma}, bias={k.Bias}");
        },
        Create = HfKgwScheme.FromDescriptor,
        Keygen =
        [
            new()
            {
                Scheme = HfKgwScheme.SchemeName,
                Options =
                [
                    new("hashing-key", "K", "transformers' hashing key, an unsigned 64-bit integer below 2^63") { Required = true },
                    new("gamma", "G", "the green share of the vocabulary (default 0.25)"),
                    new("bias", "B", "the bias added to green logits (default 2)"),
                    new("seeding", "lefthash|selfhash", "transformers' seeding scheme (default lefthash)"),
                    new("context-width", "H", "the context tokens hashed (default 1)"),
                ],
                TakesKey = true,
                Note = "(transformers' KGW; its example key 15485863)",
                Create = (a, _, vocabularySize, tokenizer) =>
                {
                    WatermarkKey key = WatermarkKey.FromIntegers([SchemeArgumentsExtensions.ParseUInt64(a.Require("hashing-key"), "hashing-key")]);
                    var options = new HfKgwOptions
                    {
                        Gamma = a.GetDouble("gamma", HfKgwOptions.Default.Gamma),
                        Bias = a.GetDouble("bias", HfKgwOptions.Default.Bias),
                        Seeding = a.GetSeeding("seeding", KgwSeeding.LeftHash),
                        ContextWidth = a.GetInt("context-width", HfKgwOptions.Default.ContextWidth),
                    };
                    return (key, HfKgwScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
