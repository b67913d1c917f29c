using System.Collections.Generic;
using System.Globalization;
using Distill.Registry;

namespace Distill.Interop;

/// <summary>The registry entry of <see cref="VllmGumbelScheme"/>: one scheme under two names (one key, or two).</summary>
internal static class VllmRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [VllmGumbelScheme.SchemeName, VllmGumbelScheme.DualKeySchemeName],
        Version = VllmGumbelScheme.Version,
        PrfVersion = VllmGumbelScheme.PrfVersion,
        Options = d => d.Vllm,
        AppendHash = (d, hash) => d.Vllm?.AppendHash(hash),
        Describe = d =>
        {
            VllmOptions v = d.Vllm!;
            return string.Create(CultureInfo.InvariantCulture, $"context width {v.ContextWidth}{(v.DualKey ? $", dual key alpha={v.Alpha}" : "")}{(v.LegacyTokenMapping ? ", legacy token mapping" : "")}, look-back {v.LookBack}");
        },
        Create = (d, key, _) => VllmGumbelScheme.FromDescriptor(d, key),
        Keygen = [Keygen(dualKey: false), Keygen(dualKey: true)],
    };

    private static SchemeKeygen Keygen(bool dualKey)
    {
        List<KeygenOption> options =
        [
            new("vllm-key", "K", "vLLM's watermark key, an unsigned 64-bit integer (decimal or 0x hexadecimal)") { Required = true },
            new("context-width", "W", "the context tokens hashed (default 4)"),
            new("look-back", "N", "the tokens searched for a repeated context (default 8192)"),
            new("legacy-mapping", null, "vLLM's token mapping before its fix"),
        ];
        if (dualKey)
        {
            options.Insert(1, new("alpha", "A", "the share of steps under the second key (default 0.1)"));
        }

        return new()
        {
            Scheme = dualKey ? VllmGumbelScheme.DualKeySchemeName : VllmGumbelScheme.SchemeName,
            Options = options,
            TakesKey = true,
            Note = dualKey ? null : "(vLLM's Gumbel-max watermark; K an unsigned 64-bit integer)",
            Create = (a, _, vocabularySize, tokenizer) =>
            {
                WatermarkKey key = WatermarkKey.FromIntegers([SchemeArgumentsExtensions.ParseUInt64(a.Require("vllm-key"), "vllm-key")]);
                var vllm = new VllmOptions
                {
                    ContextWidth = a.GetInt("context-width", VllmOptions.Default.ContextWidth),
                    DualKey = dualKey,
                    Alpha = a.GetDouble("alpha", VllmOptions.Default.Alpha),
                    LookBack = a.GetInt("look-back", VllmOptions.Default.LookBack),
                    LegacyTokenMapping = a.Has("legacy-mapping"),
                };
                return (key, VllmGumbelScheme.Create(key, vllm, vocabularySize, tokenizer));
            },
        };
    }
}
