using System;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>transformers' KGW seeding and green lists, against the 44 reference green lists.</summary>
public sealed class HfKgwSeedingTests
{
    private static string Sha(ReadOnlySpan<int> ids) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(",", ids.ToArray()))));

    [Fact]
    public void Seeds_and_green_lists_match_the_reference()
    {
        JsonElement root = TestData.Json("interop/kgw_greenlists.json").RootElement;
        var leftHash = new HfKgwSeeding(15485863, selfHash: false);
        var selfHash = new HfKgwSeeding(15485863, selfHash: true);
        JsonElement table = root.GetProperty("fixed_table");
        Assert.Equal(table.GetProperty("first20").EnumerateArray().Select(e => e.GetInt32()), selfHash.Table[..20].ToArray());
        Assert.Equal(table.GetProperty("sha256").GetString(), Sha(selfHash.Table));

        int cases = 0;
        foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
        {
            int vocabulary = c.GetProperty("vocab_size").GetInt32();
            bool self = c.GetProperty("seeding_scheme").GetString() == "selfhash";
            Assert.Equal(15485863UL, c.GetProperty("hashing_key").GetUInt64());
            int[] tokens = [.. c.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            int width = c.GetProperty("context_width").GetInt32();
            BigInteger raw = self ? selfHash.SelfHashRawSeed(tokens.AsSpan(tokens.Length - width)) : leftHash.LeftHashRawSeed(tokens[^1]);
            Assert.Equal(BigInteger.Parse(c.GetProperty("seed_raw").GetRawText(), System.Globalization.CultureInfo.InvariantCulture), raw);
            ulong seed = HfKgwSeeding.GeneratorSeed(raw);
            Assert.Equal(c.GetProperty("seed_u64").GetUInt64(), seed);

            int size = HfKgwSeeding.GreenListSize(vocabulary, c.GetProperty("greenlist_ratio").GetDouble());
            Assert.Equal(c.GetProperty("greenlist_size").GetInt32(), size);
            var green = new int[size];
            HfKgwSeeding.GreenList(seed, vocabulary, new int[vocabulary], green);
            Assert.Equal(c.GetProperty("greenlist_first20").EnumerateArray().Select(e => e.GetInt32()), green.Take(20));
            Assert.Equal(c.GetProperty("sha256_perm_order").GetString(), Sha(green));
            Assert.Equal(c.GetProperty("sha256_sorted").GetString(), Sha(green.Order().ToArray()));
            if (self)
            {
                Assert.Equal(c.GetProperty("candidate_in_greenlist").GetBoolean(), green.Contains(tokens[^1]));
            }

            cases++;
        }

        Assert.Equal(44, cases);
    }

    [Fact]
    public void Negative_seeds_use_the_floor_modulo_by_2_to_the_64_minus_1()
    {
        Assert.Equal(ulong.MaxValue - 1, HfKgwSeeding.GeneratorSeed(-1));
        Assert.Equal(0UL, HfKgwSeeding.GeneratorSeed(ulong.MaxValue));
        Assert.Equal(5UL, HfKgwSeeding.GeneratorSeed(5));
        Assert.Equal((ulong)long.MaxValue, HfKgwSeeding.GeneratorSeed(long.MinValue));
    }
}
