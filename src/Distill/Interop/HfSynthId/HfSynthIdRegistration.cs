using System.Globalization;
using System.Numerics;
using Distill.Registry;

namespace Distill.Interop;

/// <summary>The registry entry of <see cref="HfSynthIdScheme"/>.</summary>
internal static class HfSynthIdRegistration
{
    /// <summary>Gets the registration.</summary>
    public static SchemeRegistration Registration { get; } = new()
    {
        Names = [HfSynthIdScheme.SchemeName],
        Version = HfSynthIdScheme.Version,
        PrfVersion = HfSynthIdScheme.PrfVersion,
        Options = d => d.HfSynthId,
        AppendHash = (d, hash) => d.HfSynthId?.AppendHash(hash),
        Describe = d =>
        {
            HfSynthIdOptions h = d.HfSynthId!;
            return string.Create(CultureInfo.InvariantCulture, $"n-gram {h.NgramLength}, table 2^{BitOperations.Log2((uint)h.TableSize)} seed {h.TableSeed}, history {h.ContextHistory}{(h.EosTokenId >= 0 ? $", EOS {h.EosTokenId}" : "")}{(h.SkipFirstNgramCalls ? ", first calls skipped" : "")}");
        },
        Create = (d, key, _) => HfSynthIdScheme.FromDescriptor(d, key),
        Keygen =
        [
            new()
            {
                Scheme = HfSynthIdScheme.SchemeName,
                Options =
                [
                    new("keys", "K1,K2,...", "transformers' keys, one per tournament layer") { Required = true },
                    new("ngram-len", "N", "the n-gram length (default 5)"),
                    new("table-size", "S", "the g-value table's size (default 65536)"),
                    new("table-seed", "T", "the g-value table's seed (default 0)"),
                    new("context-history", "N", "the contexts remembered to skip repeats (default 1024)"),
                    new("eos", "ID", "the EOS token id, whose positions are not scored (default none)"),
                    new("skip-first-ngram-calls", null, "skip the first n-gram calls, as transformers' option does"),
                ],
                TakesKey = true,
                Note = "(transformers' SynthID-Text; one key per tournament layer)",
                Create = (a, _, vocabularySize, tokenizer) =>
                {
                    WatermarkKey key = WatermarkKey.FromIntegers(a.GetWordList("keys"));
                    var options = new HfSynthIdOptions
                    {
                        NgramLength = a.GetInt("ngram-len", HfSynthIdOptions.Default.NgramLength),
                        TableSize = a.GetInt("table-size", HfSynthIdOptions.Default.TableSize),
                        TableSeed = a.GetUInt64("table-seed", 0),
                        ContextHistory = a.GetInt("context-history", HfSynthIdOptions.Default.ContextHistory),
                        EosTokenId = a.GetInt("eos", -1, -1, int.MaxValue),
                        SkipFirstNgramCalls = a.Has("skip-first-ngram-calls"),
                    };
                    return (key, HfSynthIdScheme.Create(key, options, vocabularySize, tokenizer));
                },
            },
        ],
    };
}
