using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.ExpEdit;
using Distill.Fingerprinting;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Interop;
using Distill.Reference;
using Distill.SynthId;
using Distill.Unigram;

namespace Distill.Tests.Registry;

/// <summary>
/// The descriptor hash and the descriptor JSON of one descriptor per scheme (and per optional block),
/// pinned with values computed before the scheme registry existed: reading the registry must leave
/// every profile and accumulator file in the field valid.
/// </summary>
public class DescriptorHashRegressionTests
{
    private const int Vocabulary = 200_019;
    private const string Tokenizer = "o200k_base";

    private static readonly ReferenceFilterOptions s_filter = new()
    {
        Corpora = [new ReferenceCorpusId { Name = "brown-train", Documents = 400, Tokens = 1_000_000, Hash = "0123456789abcdef" }],
        DocumentsPerMillionTokens = 50,
    };

    /// <summary>Each case: a name, the descriptor, its pinned hash, and the pinned XxHash64 of its JSON.</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (name, _, hash, json) in Pinned())
        {
            data.Add(name, hash, json);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Descriptor_hash_and_json_are_unchanged(string name, string hash, string json)
    {
        SchemeDescriptor descriptor = Descriptors()[name];
        string text = JsonSerializer.Serialize(descriptor, DistillJsonContext.Default.SchemeDescriptor);
        Assert.Equal((name, hash, json), (name, descriptor.Hash, JsonHash(text)));

        SchemeDescriptor back = JsonSerializer.Deserialize(text, DistillJsonContext.Default.SchemeDescriptor)!;
        Assert.Equal(descriptor, back);
        Assert.Equal(hash, back.Hash);
    }

    [Fact]
    public void Every_registered_scheme_is_pinned()
    {
        var pinned = new HashSet<string>(StringComparer.Ordinal);
        foreach (SchemeDescriptor descriptor in Descriptors().Values)
        {
            pinned.Add(descriptor.Scheme);
        }

        foreach (string scheme in Distill.Registry.SchemeRegistry.BuiltIn.SelectMany(r => r.Names))
        {
            Assert.Contains(scheme, pinned);
        }
    }

    private static string JsonHash(string text) => Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"))));

    private static IEnumerable<(string Name, SchemeDescriptor Descriptor, string Hash, string Json)> Pinned()
    {
        Dictionary<string, SchemeDescriptor> descriptors = Descriptors();
        foreach (var (name, hash, json) in s_pinned)
        {
            yield return (name, descriptors[name], hash, json);
        }
    }

    // Computed on the commit before the registry (4d25eb2), by this file's Descriptors().
    private static readonly (string Name, string Hash, string Json)[] s_pinned =
    [
        ("kgw", "966be93e03303f44", "d80fe8f68a1dfb27"),
        ("kgw-lefthash", "3666b1ddf9b74016", "b87f38b0f62f806b"),
        ("kgw-reference", "ab184edec4d4b79b", "7e97097f2e00fb8b"),
        ("kgw-no-tokenizer", "96da4760a7327031", "214553de21e571e3"),
        ("unigram", "3065833b0152b727", "3dfa23bfcfe61373"),
        ("unigram-reference", "a5f54482ae875714", "062ea34295c5451c"),
        ("gumbel", "14d095ea12338165", "f5c03a5c96632f8b"),
        ("gumbel-variants", "8627b7cf4b66536d", "982fbb5787a00b0e"),
        ("synthid", "4acb3e2ad386f02e", "847cc27519df88e2"),
        ("exp-edit", "b54a68745aed5b23", "fe8833a7f6eadf1b"),
        ("kgw-fingerprint", "6f06fef9573708f2", "07c4cef59c2e5085"),
        ("kgw-fingerprint-reference", "2adb4de49683dfed", "2a2ee095ec6cc089"),
        ("vllm-gumbel", "0fd4b2acd98f4dff", "744be71572aa6a6b"),
        ("vllm-gumbel-legacy", "1440fce6051efd89", "f7fc18896cb61cde"),
        ("vllm-dual-key-gumbel", "b4b205b59d6ab3bc", "a92908b5b5629788"),
        ("hf-kgw", "0b30d4090f8173b7", "ccb1d62925cfa551"),
        ("hf-kgw-selfhash-reference", "dd100e85c6ee269c", "c146a48a4a14c074"),
        ("hf-synthid", "53180d8b9e178582", "b865183f36726b20"),
        ("unknown-scheme", "8225aad69f4a6184", "1ae24c4ba0ef1e91"),
    ];

    private static Dictionary<string, SchemeDescriptor> Descriptors()
    {
        WatermarkKey key = TestData.FixedKey;
        WatermarkKey integer = WatermarkKey.FromIntegers([15_485_863]);
        WatermarkKey layers = WatermarkKey.FromIntegers([654, 400, 836, 123, 340, 443, 597, 160, 57, 29]);
        return new Dictionary<string, SchemeDescriptor>(StringComparer.Ordinal)
        {
            ["kgw"] = KgwScheme.Create(key, KgwOptions.Default, Vocabulary, Tokenizer).Descriptor,
            ["kgw-lefthash"] = KgwScheme.Create(key, KgwOptions.LeftHash, Vocabulary, Tokenizer).Descriptor,
            ["kgw-reference"] = KgwScheme.Create(key, KgwOptions.Default, Vocabulary, Tokenizer).Descriptor with { Reference = s_filter },
            ["kgw-no-tokenizer"] = KgwScheme.Create(key, KgwOptions.Default with { Gamma = 0.5, Delta = 1.5 }, 50_000).Descriptor,
            ["unigram"] = UnigramScheme.Create(key, UnigramOptions.Default, Vocabulary, Tokenizer).Descriptor,
            ["unigram-reference"] = UnigramScheme.Create(key, UnigramOptions.Default, Vocabulary, Tokenizer).Descriptor with { Reference = s_filter with { DocumentsPerMillionTokens = 20 } },
            ["gumbel"] = GumbelScheme.Create(key, GumbelOptions.Default, Vocabulary, Tokenizer).Descriptor,
            ["gumbel-variants"] = GumbelScheme.Create(key, GumbelOptions.Default with { Variants = 4, ContextWidth = 2 }, Vocabulary, Tokenizer).Descriptor,
            ["synthid"] = SynthIdScheme.Create(key, SynthIdOptions.Default, Vocabulary, Tokenizer).Descriptor,
            ["exp-edit"] = ExpEditScheme.Create(key, ExpEditOptions.Default, Vocabulary, Tokenizer).Descriptor,
            ["kgw-fingerprint"] = FingerprintScheme.Create(key, null, null, Vocabulary, Tokenizer).Descriptor,
            ["kgw-fingerprint-reference"] = FingerprintScheme.Create(key, null, null, Vocabulary, Tokenizer).Descriptor with { Reference = s_filter },
            ["vllm-gumbel"] = VllmGumbelScheme.Create(integer, VllmOptions.Default, 151_936, "Qwen/Qwen2.5-0.5B").Descriptor,
            ["vllm-gumbel-legacy"] = VllmGumbelScheme.Create(integer, VllmOptions.Default with { LegacyTokenMapping = true, LookBack = 3 }, 151_936, "Qwen/Qwen2.5-0.5B").Descriptor,
            ["vllm-dual-key-gumbel"] = VllmGumbelScheme.Create(integer, VllmOptions.Default with { DualKey = true, Alpha = 0.25 }, 151_936, "Qwen/Qwen2.5-0.5B").Descriptor,
            ["hf-kgw"] = HfKgwScheme.Create(integer, HfKgwOptions.Default, 50_257, "gpt2").Descriptor,
            ["hf-kgw-selfhash-reference"] = HfKgwScheme.Create(integer, HfKgwOptions.Default with { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 }, Vocabulary, Tokenizer).Descriptor with { Reference = s_filter },
            ["hf-synthid"] = HfSynthIdScheme.Create(layers, HfSynthIdOptions.Default, 256_000, "google/gemma-2b").Descriptor,
            ["unknown-scheme"] = new SchemeDescriptor { Scheme = "future-scheme", SchemeVersion = 7, PrfVersion = 3, VocabularySize = 50_000, KeyId = key.KeyId },
        };
    }
}
