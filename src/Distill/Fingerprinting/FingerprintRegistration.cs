using System.Globalization;
using Distill.GreenList;
using Distill.Prf;
using Distill.Registry;

namespace Distill.Fingerprinting;

/// <summary>The registry entry of <see cref="FingerprintScheme"/> (its zero-bit layer is hashed in KGW's block).</summary>
internal static class FingerprintRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [FingerprintScheme.SchemeName],
        Version = FingerprintScheme.Version,
        PrfVersion = PrfV1.Version,
        SupportsReference = true,
        Options = d => d.Kgw is { } kgw && d.Fingerprint is { } fingerprint ? $"{kgw}, {fingerprint}" : null,
        AppendHash = (d, hash) => d.Fingerprint?.AppendHash(hash),
        Describe = d => KgwRegistration.Describe(d.Kgw!) + string.Create(
            CultureInfo.InvariantCulture,
            $"; fingerprint: {FingerprintOptions.IdentityBits} identity + {d.Fingerprint!.TardosLength} Tardos positions, identity share {d.Fingerprint.IdentityShare}, designed for {d.Fingerprint.DesignColluders} colluders"),
        Create = FingerprintScheme.FromDescriptor,
        Keygen =
        [
            new()
            {
                Scheme = FingerprintScheme.SchemeName,
                Options =
                [
                    new("gamma", "G", "the zero-bit layer's green share (default 0.5)"),
                    new("delta", "D", "the zero-bit layer's bias (default 3)"),
                    new("context-width", "H", "the zero-bit layer's LeftHash context (default 2)"),
                    new("identity-share", "S", "the share of green tokens that carry the identity (default 0.5)"),
                    new("tardos-length", "L", "the Tardos code's length (default 2048)"),
                    new("design-colluders", "C", "the colluders the code is designed for (default 8)"),
                ],
                Note = "(per-tenant fingerprints on a KGW LeftHash watermark; defaults gamma 0.5, delta 3, h=2, share 0.5, length 2048, 8 colluders)",
                Create = (a, key, vocabularySize, tokenizer) =>
                {
                    KgwOptions zeroBit = FingerprintScheme.DefaultZeroBit;
                    zeroBit = zeroBit with
                    {
                        Gamma = a.GetDouble("gamma", zeroBit.Gamma),
                        Delta = a.GetDouble("delta", zeroBit.Delta),
                        ContextWidth = a.GetInt("context-width", zeroBit.ContextWidth),
                    };
                    zeroBit.Validate();
                    var options = new FingerprintOptions
                    {
                        IdentityShare = a.GetDouble("identity-share", FingerprintOptions.Default.IdentityShare),
                        TardosLength = a.GetInt("tardos-length", FingerprintOptions.Default.TardosLength),
                        DesignColluders = a.GetInt("design-colluders", FingerprintOptions.Default.DesignColluders),
                    };
                    return (key, FingerprintScheme.Create(key, zeroBit, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
