using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Tests.Keys;

public class WatermarkKeyTests
{
    // The key id of TestData.FixedKey, as docs/prf_reference.py computes it (kgw_v1_vectors.json).
    private const string FixedKeyId = "7bfdc77da1b818c7";

    [Fact]
    public void Generate_gives_distinct_keys()
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 64; i++)
        {
            WatermarkKey key = WatermarkKey.Generate();
            byte[] secret = key.ToBytes();
            Assert.Equal(WatermarkKey.SizeInBytes, secret.Length);
            Assert.Contains(secret, b => b != 0);
            Assert.True(secrets.Add(Convert.ToHexString(secret)), "Generate returned the same secret twice");
            Assert.True(ids.Add(key.KeyId), "Generate returned the same key id twice");
        }
    }

    [Fact]
    public void Bytes_and_base64_round_trip()
    {
        for (int seed = 0; seed < 16; seed++)
        {
            WatermarkKey key = TestData.KeyFor(seed);
            byte[] bytes = key.ToBytes();
            string base64 = key.ToBase64();
            Assert.Equal(Convert.ToBase64String(bytes), base64);

            WatermarkKey fromBytes = WatermarkKey.FromBytes(bytes);
            WatermarkKey fromBase64 = WatermarkKey.FromBase64(base64);
            Assert.Equal(bytes, fromBytes.ToBytes());
            Assert.Equal(bytes, fromBase64.ToBytes());
            Assert.Equal(key.KeyId, fromBytes.KeyId);
            Assert.Equal(key.KeyId, fromBase64.KeyId);
            Assert.Equal(base64, fromBase64.ToBase64());

            // Surrounding whitespace (a trailing newline in a secret store) is tolerated.
            Assert.Equal(bytes, WatermarkKey.FromBase64("  " + base64 + "\n").ToBytes());

            var copy = new byte[WatermarkKey.SizeInBytes + 4];
            key.CopySecretTo(copy);
            Assert.Equal(bytes, copy[..WatermarkKey.SizeInBytes]);
            Assert.All(copy[WatermarkKey.SizeInBytes..], b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void ToBytes_returns_a_copy()
    {
        WatermarkKey key = TestData.KeyFor(3);
        byte[] first = key.ToBytes();
        byte[] original = (byte[])first.Clone();
        first[0] ^= 0xFF;
        Assert.Equal(original, key.ToBytes());

        // FromBytes copies its input too.
        byte[] input = TestData.KeyFor(4).ToBytes();
        WatermarkKey fromInput = WatermarkKey.FromBytes(input);
        byte[] expected = (byte[])input.Clone();
        input[5] ^= 0xFF;
        Assert.Equal(expected, fromInput.ToBytes());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void FromBytes_refuses_a_wrong_length(int length)
    {
        byte[] input = new byte[length];
        new Random(length).NextBytes(input);
        var ex = Assert.Throws<ArgumentException>(() => WatermarkKey.FromBytes(input));
        Assert.Equal("secret", ex.ParamName);
        if (length >= 8)
        {
            AssertSecretAbsent(ex.Message, input);
        }
    }

    [Fact]
    public void FromBytes_refuses_all_zeros()
    {
        var zeros = new byte[WatermarkKey.SizeInBytes];
        var ex = Assert.Throws<ArgumentException>(() => WatermarkKey.FromBytes(zeros));
        Assert.Equal("secret", ex.ParamName);
        AssertSecretAbsent(ex.Message, zeros);
    }

    public static TheoryData<string> BadBase64 => new()
    {
        string.Empty,
        "   ",
        "not base64 at all!",
        Convert.ToBase64String(new byte[WatermarkKey.SizeInBytes]),      // all zeros
        Convert.ToBase64String(Enumerable.Range(1, 31).Select(i => (byte)i).ToArray()),
        Convert.ToBase64String(Enumerable.Range(1, 33).Select(i => (byte)i).ToArray()),
        Convert.ToBase64String(Enumerable.Range(1, 35).Select(i => (byte)i).ToArray()),
        Convert.ToBase64String(Enumerable.Range(1, 64).Select(i => (byte)i).ToArray()),
        Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())[..43],  // padding cut off
        Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())[..20] + "*" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())[21..],
    };

    [Theory]
    [MemberData(nameof(BadBase64))]
    public void FromBase64_refuses_bad_text_without_repeating_it(string text)
    {
        var ex = Assert.Throws<FormatException>(() => WatermarkKey.FromBase64(text));
        if (text.Trim().Length >= 8)
        {
            Assert.DoesNotContain(text.Trim(), ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(text.Trim()[..8], ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromBase64_refuses_null()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => WatermarkKey.FromBase64(null!));
        Assert.Equal("base64", ex.ParamName);
    }

    [Fact]
    public void CopySecretTo_refuses_a_short_destination_and_writes_nothing()
    {
        var destination = new byte[WatermarkKey.SizeInBytes - 1];
        Array.Fill(destination, (byte)0xA5);
        var ex = Assert.Throws<ArgumentException>(() => TestData.FixedKey.CopySecretTo(destination));
        Assert.Equal("destination", ex.ParamName);
        Assert.All(destination, b => Assert.Equal(0xA5, b));
        AssertSecretAbsent(ex.Message, TestData.FixedKey.ToBytes());
    }

    [Fact]
    public void ToString_and_KeyId_never_show_the_secret()
    {
        for (int seed = 0; seed < 32; seed++)
        {
            WatermarkKey key = TestData.KeyFor(seed);
            byte[] secret = key.ToBytes();
            AssertSecretAbsent(key.ToString(), secret);
            AssertSecretAbsent(key.KeyId, secret);
            Assert.Contains(key.KeyId, key.ToString(), StringComparison.Ordinal);
        }

        WatermarkKey generated = WatermarkKey.Generate();
        AssertSecretAbsent(generated.ToString(), generated.ToBytes());
        AssertSecretAbsent(generated.KeyId, generated.ToBytes());
    }

    [Fact]
    public void KeyId_is_16_lowercase_hex_digits_and_stable()
    {
        Assert.Equal(FixedKeyId, TestData.FixedKey.KeyId);
        Assert.Equal($"WatermarkKey({FixedKeyId})", TestData.FixedKey.ToString());
        Assert.Equal(FixedKeyId, WatermarkKey.FromBase64(TestData.FixedKey.ToBase64()).KeyId);
        for (int seed = 0; seed < 32; seed++)
        {
            string id = TestData.KeyFor(seed).KeyId;
            Assert.Equal(16, id.Length);
            Assert.All(id, c => Assert.True(c is (>= '0' and <= '9') or (>= 'a' and <= 'f'), $"'{c}' in {id}"));
            Assert.Equal(id, TestData.KeyFor(seed).KeyId);
        }

        Assert.Equal(32, Enumerable.Range(0, 32).Select(s => TestData.KeyFor(s).KeyId).Distinct().Count());
    }

    [Fact]
    public void Derive_is_deterministic_and_separates_purposes_and_tenants()
    {
        WatermarkKey key = TestData.FixedKey;
        WatermarkKey a = key.Derive("scheme/kgw/v1");
        Assert.Equal(a, key.Derive("scheme/kgw/v1"));
        Assert.Equal(a.ToBytes(), key.Derive("scheme/kgw/v1", string.Empty).ToBytes());
        Assert.Equal(a, WatermarkKey.FromBytes(key.ToBytes()).Derive("scheme/kgw/v1"));

        var derived = new[]
        {
            a,
            key.Derive("scheme/kgw/v2"),
            key.Derive("scheme/kgw/v1", "tenant-1"),
            key.Derive("scheme/kgw/v1", "tenant-2"),
            key.Derive("a/b", "c"),
            key.Derive("a", "b/c"),
            key.Derive("a/b/c"),
            key.Derive("a", "b"),
            key.Derive("b", "a"),
            TestData.KeyFor(1).Derive("scheme/kgw/v1"),
        };
        Assert.Equal(derived.Length, derived.Select(k => Convert.ToHexString(k.ToBytes())).Distinct().Count());
        Assert.Equal(derived.Length, derived.Select(k => k.KeyId).Distinct().Count());
        Assert.DoesNotContain(derived, k => k.Equals(key));
        Assert.NotEqual(key.Derive("a/b", "c"), key.Derive("a", "b/c"));
    }

    [Fact]
    public void Derive_refuses_bad_arguments()
    {
        WatermarkKey key = TestData.FixedKey;
        Assert.Equal("purpose", Assert.Throws<ArgumentException>(() => key.Derive(string.Empty)).ParamName);
        Assert.Equal("purpose", Assert.Throws<ArgumentNullException>(() => key.Derive(null!)).ParamName);
        Assert.Equal("tenant", Assert.Throws<ArgumentNullException>(() => key.Derive("p", null!)).ParamName);
        Assert.Equal("purpose", Assert.Throws<ArgumentException>(() => key.Derive("p\0q")).ParamName);
        Assert.Equal("tenant", Assert.Throws<ArgumentException>(() => key.Derive("p", "t\0")).ParamName);
    }

    [Fact]
    public void Equality_follows_the_secret()
    {
        WatermarkKey a = TestData.KeyFor(7);
        WatermarkKey same = WatermarkKey.FromBytes(a.ToBytes());
        WatermarkKey other = TestData.KeyFor(8);
        byte[] oneBitOff = a.ToBytes();
        oneBitOff[^1] ^= 0x80;
        WatermarkKey nearlySame = WatermarkKey.FromBytes(oneBitOff);

        Assert.True(a.Equals(same));
        Assert.True(a.Equals((object)same));
        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.False(a.Equals(other));
        Assert.False(a.Equals(nearlySame));
        Assert.False(a.Equals((object)nearlySame));
        Assert.False(a.Equals(null));
        Assert.False(a.Equals((object?)null));
        Assert.False(a.Equals(a.ToBase64()));

        // Not a constant: 32 keys spread over more than one hash code.
        Assert.True(Enumerable.Range(0, 32).Select(s => TestData.KeyFor(s).GetHashCode()).Distinct().Count() > 1);

        var set = new HashSet<WatermarkKey> { a, same, other, nearlySame };
        Assert.Equal(3, set.Count);
    }

    private static void AssertSecretAbsent(string text, byte[] secret)
    {
        Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(secret), text, StringComparison.OrdinalIgnoreCase);
        if (secret.Length >= 8)
        {
            // Not even a recognizable piece of it.
            Assert.DoesNotContain(Convert.ToHexString(secret[..8]), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret)[..10], text, StringComparison.Ordinal);
        }
    }
}
