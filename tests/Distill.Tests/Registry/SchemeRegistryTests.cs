using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using System.Text.Json;
using Distill.Detection;
using Distill.GreenList;
using Distill.Registry;
using Distill.Tests.Registry.TestScheme;

namespace Distill.Tests.Registry;

/// <summary>The scheme registry: a scheme added in the tests alone works in profiles and detection; the table's rules hold.</summary>
public sealed class SchemeRegistryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distill-registry-").FullName;

    public SchemeRegistryTests() => ConstantBiasRegistration.EnsureRegistered();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_scheme_added_through_the_registry_round_trips_through_a_profile_and_detects_its_own_tokens()
    {
        WatermarkKey key = TestData.KeyFor(41);
        var options = new ConstantBiasOptions { Gamma = 0.25, Delta = 5.0 };
        ConstantBiasScheme scheme = ConstantBiasScheme.Create(key, options, 5_000, "o200k_base");
        string path = Path.Combine(_dir, "constant-bias.json");
        new WatermarkProfile(scheme.Descriptor, key).Save(path);

        string json = File.ReadAllText(path);
        Assert.Contains("\"parameters\": {", json, StringComparison.Ordinal);
        Assert.Contains("\"gamma\": \"0.25\"", json, StringComparison.Ordinal);

        WatermarkProfile loaded = WatermarkProfile.Load(path);
        Assert.Equal(scheme.Descriptor, loaded.Descriptor);
        Assert.Equal(scheme.Descriptor.Hash, loaded.Descriptor.Hash);
        var again = Assert.IsType<ConstantBiasScheme>(loaded.CreateScheme());
        Assert.Equal(options, again.Options);

        int[] watermarked = ConstantBiasText.Generate(scheme, 300, seed: 1);
        int[] plain = ConstantBiasText.Generate(ConstantBiasScheme.Create(TestData.KeyFor(42), options, 5_000), 300, seed: 1);
        DetectionResult own = again.Detect(watermarked);
        Assert.Equal(DetectionStatus.Scored, own.Status);
        Assert.True(own.Log10PValue < -20, $"log10 p = {own.Log10PValue}");
        Assert.True(again.Detect(plain).Log10PValue > -3);
        Assert.Equal(own.Log10PValue, scheme.Detect(watermarked).Log10PValue);
    }

    [Fact]
    public void The_generic_parameters_block_is_hashed_as_docs_descriptor_md_says()
    {
        ConstantBiasScheme scheme = ConstantBiasScheme.Create(TestData.FixedKey, ConstantBiasOptions.Default, 5_000, "o200k_base");
        SchemeDescriptor d = scheme.Descriptor;

        // The header, KGW's null marker, no other block, then the generic block: names in ordinal order.
        var bytes = new MemoryStream();
        WriteString(bytes, "distill-descriptor/v1");
        WriteString(bytes, d.Scheme);
        WriteInt(bytes, d.SchemeVersion);
        WriteInt(bytes, d.PrfVersion);
        WriteInt(bytes, d.VocabularySize);
        WriteString(bytes, d.Tokenizer);
        WriteString(bytes, d.KeyId);
        WriteString(bytes, null);
        WriteString(bytes, "parameters/v1");
        WriteInt(bytes, 2);
        WriteString(bytes, "delta");
        WriteString(bytes, "4");
        WriteString(bytes, "gamma");
        WriteString(bytes, "0.5");
        Assert.Equal(Convert.ToHexStringLower(XxHash64.Hash(bytes.ToArray())), d.Hash);

        Assert.NotEqual(d.Hash, (d with { Parameters = null }).Hash);
        Assert.NotEqual(d.Hash, (d with { Parameters = new([new("gamma", "0.5"), new("delta", "4.0")]) }).Hash);
    }

    [Fact]
    public void Generic_parameters_read_back_in_any_order_and_refuse_bad_json()
    {
        SchemeDescriptor d = ConstantBiasScheme.Create(TestData.FixedKey, ConstantBiasOptions.Default, 5_000).Descriptor;
        string json = JsonSerializer.Serialize(d, DistillJsonContext.Default.SchemeDescriptor);
        string swapped = json.Replace("\"delta\": \"4\",\n    \"gamma\": \"0.5\"", "\"gamma\": \"0.5\",\n    \"delta\": \"4\"", StringComparison.Ordinal);
        Assert.NotEqual(json, swapped);
        Assert.Equal(d, JsonSerializer.Deserialize(swapped, DistillJsonContext.Default.SchemeDescriptor));

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json.Replace("\"4\"", "4", StringComparison.Ordinal), DistillJsonContext.Default.SchemeDescriptor));
        Assert.Throws<ArgumentException>(() => JsonSerializer.Deserialize(json.Replace("\"gamma\"", "\"delta\"", StringComparison.Ordinal), DistillJsonContext.Default.SchemeDescriptor));
    }

    [Fact]
    public void Every_built_in_scheme_is_found_by_each_of_its_names()
    {
        string[] expected = ["kgw", "unigram", "gumbel", "synthid", "exp-edit", "kgw-fingerprint", "vllm-gumbel", "vllm-dual-key-gumbel", "hf-kgw", "hf-synthid"];
        Assert.Equal(expected, SchemeRegistry.BuiltIn.SelectMany(r => r.Names));
        foreach (string name in expected)
        {
            Assert.Contains(name, SchemeRegistry.Find(name)!.Names);
            Assert.Equal(name, SchemeRegistry.FindKeygen(name)!.Scheme);
            Assert.NotNull(SchemeRegistry.Find(name)!.AppendHash);
        }

        Assert.Equal(["kgw", "unigram", "kgw-fingerprint", "hf-kgw"], SchemeRegistry.GreenListNames.Where(n => SchemeRegistry.BuiltIn.Any(r => r.Names.Contains(n))));
        Assert.Same(ConstantBiasRegistration.Registration, SchemeRegistry.Find(ConstantBiasScheme.SchemeName));
        Assert.Null(SchemeRegistry.Find("KGW"));
    }

    [Fact]
    public void Register_refuses_a_taken_name_and_a_typed_hash_block()
    {
        int before = SchemeRegistry.All.Length;
        Assert.Throws<ArgumentException>(() => SchemeRegistry.Register(ConstantBiasRegistration.Registration));
        Assert.Throws<ArgumentException>(() => SchemeRegistry.Register(ConstantBiasRegistration.Registration with { Names = ["test-other-name", "kgw"] }));
        Assert.Throws<ArgumentException>(() => SchemeRegistry.Register(ConstantBiasRegistration.Registration with { Names = ["test-typed-block"], AppendHash = (_, _) => { } }));
        Assert.Equal(before, SchemeRegistry.All.Length);
    }

    [Fact]
    public void Profiles_refuse_unknown_schemes_and_reference_filters_on_schemes_without_green_lists()
    {
        WatermarkKey key = TestData.FixedKey;
        SchemeDescriptor d = ConstantBiasScheme.Create(key, null, 5_000).Descriptor;
        var filter = new Distill.Reference.ReferenceFilterOptions { Corpora = [new Distill.Reference.ReferenceCorpusId { Name = "r", Documents = 2, Tokens = 10, Hash = "0123456789abcdef" }] };
        var noGreen = Assert.Throws<NotSupportedException>(() => new WatermarkProfile(d with { Reference = filter }, key).CreateScheme());
        Assert.Contains("has no green lists", noGreen.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<NotSupportedException>(() => new WatermarkProfile(d with { Scheme = "test-unknown" }, key).CreateScheme());
        Assert.Contains("is not supported by this release", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new WatermarkProfile(d with { Parameters = null }, key).CreateScheme());
        Assert.Throws<NotSupportedException>(() => new WatermarkProfile(d with { SchemeVersion = 2 }, key).CreateScheme());
    }

    [Fact]
    public void Kgw_goes_through_CheckFor_like_every_scheme()
    {
        SchemeDescriptor kgw = KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, 1_000).Descriptor;
        var version = Assert.Throws<NotSupportedException>(() => new WatermarkProfile(kgw with { SchemeVersion = 2 }, TestData.FixedKey).CreateScheme());
        Assert.Equal("kgw version 2 with PRF version 1 is not supported by this release of Distill (it implements version 1, PRF 1).", version.Message);
        Assert.Throws<NotSupportedException>(() => KgwScheme.FromDescriptor(kgw with { PrfVersion = 2 }, TestData.FixedKey));
        Assert.Equal("descriptor", Assert.Throws<ArgumentException>(() => KgwScheme.FromDescriptor(kgw with { Kgw = null }, TestData.FixedKey)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => KgwScheme.FromDescriptor(kgw, TestData.KeyFor(1))).ParamName);
    }

    [Fact]
    public void Keygen_entries_build_the_release_defaults()
    {
        WatermarkKey key = TestData.FixedKey;
        (WatermarkKey k, WatermarkScheme kgw) = SchemeRegistry.FindKeygen("kgw")!.Create(SchemeArguments.None, key, 1_000, "o200k_base");
        Assert.Same(key, k);
        Assert.Equal(KgwScheme.Create(key, KgwOptions.Default, 1_000, "o200k_base").Descriptor, kgw.Descriptor);
        var lefthash = new SchemeArguments([new("seeding", "LeftHash")]);
        Assert.Equal(KgwOptions.LeftHash, SchemeRegistry.FindKeygen("kgw")!.Create(lefthash, key, 1_000, "x").Scheme.Descriptor.Kgw);
        var bad = new SchemeArguments([new("seeding", "middle")]);
        Assert.Equal("--seeding 'middle' is not one of selfhash, lefthash.", Assert.Throws<ArgumentException>(() => SchemeRegistry.FindKeygen("kgw")!.Create(bad, key, 1_000, "x")).Message);
        var vllm = new SchemeArguments([new("vllm-key", "0x10"), new("alpha", "0.3")]);
        (WatermarkKey integer, WatermarkScheme dual) = SchemeRegistry.FindKeygen("vllm-dual-key-gumbel")!.Create(vllm, key, 1_000, "x");
        Assert.Equal(WatermarkKey.FromIntegers([16]), integer);
        Assert.Equal("vllm-dual-key-gumbel", dual.Descriptor.Scheme);
        Assert.Equal("context width 4, dual key alpha=0.3, look-back 8192", SchemeRegistry.Find(dual.Descriptor.Scheme)!.Describe(dual.Descriptor));
    }

    private static void WriteInt(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteString(Stream s, string? value)
    {
        if (value is null)
        {
            WriteInt(s, -1);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteInt(s, bytes.Length);
        s.Write(bytes);
    }
}
