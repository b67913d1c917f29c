using System.Globalization;
using Distill.Registry;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>The registry entry of <see cref="ConstantBiasScheme"/>: everything the library learns about it.</summary>
internal static class ConstantBiasRegistration
{
    private static readonly object s_lock = new();
    private static bool s_registered;

    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [ConstantBiasScheme.SchemeName],
        Version = ConstantBiasScheme.Version,
        PrfVersion = 1,
        Options = d => d.Parameters,
        Describe = d => string.Create(CultureInfo.InvariantCulture, $"constant bias, gamma={d.Parameters!.GetDouble("gamma")}, delta={d.Parameters.GetDouble("delta")}"),
        Create = (d, key, _) => ConstantBiasScheme.FromDescriptor(d, key),
        Keygen =
        [
            new()
            {
                Scheme = ConstantBiasScheme.SchemeName,
                Options =
                [
                    new("gamma", "G", "the green share of the vocabulary (default 0.5)"),
                    new("delta", "D", "the bias added to green logits (default 4)"),
                ],
                Create = (a, key, vocabularySize, tokenizer) =>
                {
                    var options = new ConstantBiasOptions
                    {
                        Gamma = a.GetDouble("gamma", ConstantBiasOptions.Default.Gamma),
                        Delta = a.GetDouble("delta", ConstantBiasOptions.Default.Delta),
                    };
                    return (key, ConstantBiasScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };

    /// <summary>Adds the scheme to the registry once per test process.</summary>
    public static void EnsureRegistered()
    {
        lock (s_lock)
        {
            if (!s_registered)
            {
                SchemeRegistry.Register(Registration);
                s_registered = true;
            }
        }
    }
}
