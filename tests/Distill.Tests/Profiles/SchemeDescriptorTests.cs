using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.Profiles;

public class SchemeDescriptorTests
{
    // XxHash64 of the canonical encoding of the descriptor below, computed once by this library and
    // checked against an independent Python implementation of the encoding. It must never change:
    // profiles, accumulator files and detection reports in the field carry it.
    private const string GoldenHash = "966be93e03303f44";

    private static SchemeDescriptor Baseline() =>
        KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, 200_019, "o200k_base").Descriptor;

    [Fact]
    public void Hash_of_a_fixed_descriptor_is_pinned()
    {
        SchemeDescriptor descriptor = Baseline();
        Assert.Equal(GoldenHash, descriptor.Hash);

        // The same descriptor spelled out field by field (not through KgwScheme) hashes the same.
        var spelled = new SchemeDescriptor
        {
            Scheme = "kgw",
            SchemeVersion = 1,
            PrfVersion = 1,
            VocabularySize = 200_019,
            Tokenizer = "o200k_base",
            KeyId = "7bfdc77da1b818c7",
            Kgw = new KgwOptions { Gamma = 0.25, Delta = 2.0, Seeding = KgwSeeding.SelfHash, ContextWidth = 4, SelfHashCandidates = 40 },
        };
        Assert.Equal(descriptor, spelled);
        Assert.Equal(GoldenHash, spelled.Hash);
    }

    [Fact]
    public void Hash_is_16_lowercase_hex_digits_and_repeatable()
    {
        SchemeDescriptor a = Baseline();
        SchemeDescriptor b = Baseline();
        Assert.NotSame(a, b);
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.Hash, a.Hash);
        Assert.Matches("^[0-9a-f]{16}$", a.Hash);
    }

    [Fact]
    public void Hash_changes_when_any_field_changes()
    {
        KgwOptions o = KgwOptions.Default;
        var variants = new Dictionary<string, SchemeDescriptor>
        {
            ["baseline"] = Baseline(),
            ["gamma"] = Scheme(o with { Gamma = 0.5 }),
            ["gamma by one ulp"] = Scheme(o with { Gamma = Math.BitIncrement(0.25) }),
            ["delta"] = Scheme(o with { Delta = 2.5 }),
            ["seeding"] = Scheme(o with { Seeding = KgwSeeding.LeftHash }),
            ["width"] = Scheme(o with { ContextWidth = 3 }),
            ["candidates"] = Scheme(o with { SelfHashCandidates = 41 }),
            ["vocabulary"] = Scheme(o, vocabularySize: 200_018),
            ["tokenizer"] = Scheme(o, tokenizer: "cl100k_base"),
            ["no tokenizer"] = Scheme(o, tokenizer: null),
            ["empty tokenizer"] = Scheme(o, tokenizer: string.Empty),
            ["key"] = Scheme(o, key: TestData.KeyFor(1)),
            ["scheme name"] = Baseline() with { Scheme = "kgw2" },
            ["scheme version"] = Baseline() with { SchemeVersion = 2 },
            ["prf version"] = Baseline() with { PrfVersion = 2 },
            ["key id"] = Baseline() with { KeyId = "0000000000000000" },
            ["no parameters"] = Baseline() with { Kgw = null },
        };

        var byHash = variants.GroupBy(v => v.Value.Hash).Where(g => g.Count() > 1).Select(g => string.Join(", ", g.Select(v => v.Key))).ToList();
        Assert.True(byHash.Count == 0, "descriptors that differ share a hash: " + string.Join("; ", byHash));
        foreach (var (name, descriptor) in variants)
        {
            Assert.Matches("^[0-9a-f]{16}$", descriptor.Hash);
            if (name != "baseline")
            {
                Assert.NotEqual(variants["baseline"], descriptor);
            }
        }
    }

    [Fact]
    public void Descriptor_mismatch_names_what_differs()
    {
        SchemeDescriptor a = Baseline();
        DescriptorMismatchException.ThrowIfDifferent(a, Baseline());
        var ex = Assert.Throws<DescriptorMismatchException>(() => DescriptorMismatchException.ThrowIfDifferent(a, Scheme(KgwOptions.Default, tokenizer: "cl100k_base")));
        Assert.Contains("tokenizer", ex.Message, StringComparison.Ordinal);
        Assert.Contains(a.Hash, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.FixedKey.ToBase64(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_round_trips_known_and_unknown_schemes()
    {
        var unknown = new SchemeDescriptor
        {
            Scheme = "future-scheme",
            SchemeVersion = 7,
            PrfVersion = 3,
            VocabularySize = 50_000,
            Tokenizer = null,
            KeyId = TestData.FixedKey.KeyId,
        };
        foreach (SchemeDescriptor descriptor in new[] { Baseline(), Scheme(KgwOptions.LeftHash, tokenizer: null), unknown })
        {
            string json = JsonSerializer.Serialize(descriptor, DistillJsonContext.Default.SchemeDescriptor);
            SchemeDescriptor? back = JsonSerializer.Deserialize(json, DistillJsonContext.Default.SchemeDescriptor);
            Assert.NotNull(back);
            Assert.Equal(descriptor, back);
            Assert.Equal(descriptor.Hash, back.Hash);
            Assert.DoesNotContain(TestData.FixedKey.ToBase64(), json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_descriptor_for_another_scheme_is_refused_by_KgwScheme()
    {
        SchemeDescriptor other = Baseline() with { Scheme = "other", Kgw = null };
        Assert.Equal("descriptor", Assert.Throws<ArgumentException>(() => KgwScheme.FromDescriptor(other, TestData.FixedKey)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => KgwScheme.FromDescriptor(Baseline(), TestData.KeyFor(1))).ParamName);
        Assert.Equal(GoldenHash, KgwScheme.FromDescriptor(Baseline(), TestData.FixedKey).Descriptor.Hash);
    }

    private static SchemeDescriptor Scheme(KgwOptions options, int vocabularySize = 200_019, string? tokenizer = "o200k_base", WatermarkKey? key = null) =>
        KgwScheme.Create(key ?? TestData.FixedKey, options, vocabularySize, tokenizer).Descriptor;
}
