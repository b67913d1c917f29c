using System;
using System.Linq;
using Distill.ExpEdit;
using Distill.Fingerprinting;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Interop;
using Distill.SynthId;
using Distill.Unigram;

namespace Distill.LLamaSharp.Tests;

/// <summary>Every scheme the adapter is tested with, by name, on the tiny model's vocabulary and a fixed key.</summary>
internal static class TestSchemes
{
    private const int SynthIdLayers = 30;

    public static readonly WatermarkKey Key = WatermarkKey.FromIntegers([0x5EED_0001UL, 0x5EED_0002UL, 0x5EED_0003UL, 0x5EED_0004UL]);

    // vLLM and transformers hash with one 64-bit integer key.
    public static readonly WatermarkKey WordKey = WatermarkKey.FromIntegers([0x5EED_0005UL]);

    // transformers' SynthID-Text takes one integer key per tournament layer.
    public static readonly WatermarkKey LayerKeys = WatermarkKey.FromIntegers([.. Enumerable.Range(1, SynthIdLayers).Select(i => (ulong)(1000 + (7 * i)))]);

    public static WatermarkScheme Create(string name, int vocabularySize = TinyGguf.Vocabulary) => name switch
    {
        "kgw" => KgwScheme.Create(Key, KgwOptions.Default, vocabularySize, "tiny-spm"),
        "unigram" => UnigramScheme.Create(Key, UnigramOptions.Default, vocabularySize, "tiny-spm"),
        "gumbel" => GumbelScheme.Create(Key, GumbelOptions.Default, vocabularySize, "tiny-spm"),
        "synthid" => SynthIdScheme.Create(Key, SynthIdOptions.Default, vocabularySize, "tiny-spm"),
        "exp-edit" => ExpEditScheme.Create(Key, ExpEditOptions.Default, vocabularySize, "tiny-spm"),
        "vllm-gumbel" => VllmGumbelScheme.Create(WordKey, VllmOptions.Default, vocabularySize, "tiny-spm"),
        "hf-kgw" => HfKgwScheme.Create(WordKey, HfKgwOptions.Default, vocabularySize, "tiny-spm"),
        "fingerprint" => FingerprintScheme.Create(Key, null, null, vocabularySize, "tiny-spm"),
        "hf-synthid" => HfSynthIdScheme.Create(LayerKeys, HfSynthIdOptions.Default, vocabularySize, "tiny-spm"),
        "vllm-dual-key-gumbel" => VllmGumbelScheme.Create(WordKey, VllmOptions.DualKeyDefault, vocabularySize, "tiny-spm"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such test scheme."),
    };
}
