using System;
using System.Linq;
using Distill.Fingerprinting;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Fingerprinting;

public sealed class TenantCodeTests
{
    private static readonly TenantCode Code = new(TestData.FixedKey, FingerprintOptions.Default);

    [Property(MaxTest = 1000)]
    public Property The_identity_permutation_is_inverted_exactly(ulong value) =>
        (Code.TenantOf(Code.IdentityWord(new TenantId(value))).Value == value
         && Code.IdentityWord(Code.TenantOf(value)) == value).ToProperty();

    [Fact]
    public void Identity_words_look_random_and_depend_on_the_key()
    {
        var other = new TenantCode(TestData.FixedKey.Derive("another"), FingerprintOptions.Default);
        int ones = 0, differing = 0;
        for (ulong t = 0; t < 2000; t++)
        {
            ulong w = Code.IdentityWord(new TenantId(t));
            ones += System.Numerics.BitOperations.PopCount(w);
            differing += System.Numerics.BitOperations.PopCount(w ^ other.IdentityWord(new TenantId(t)));
        }

        // 128,000 fair bits: mean 64,000, standard deviation about 179.
        Assert.InRange(ones, 63_000, 65_000);
        Assert.InRange(differing, 63_000, 65_000);
    }

    [Fact]
    public void The_polynomial_sine_agrees_with_the_platform_and_biases_follow_the_arcsine_law()
    {
        for (int i = 0; i <= 1000; i++)
        {
            double v = i / 1000.0 * 0.999999;
            double expected = Math.Pow(Math.Sin(Math.PI * v / 2), 2);
            Assert.True(Math.Abs(TenantCode.SinSquaredHalfPi(v) - expected) < 1e-14, $"v = {v}");
        }

        double t = 1.0 / 2400;
        Assert.All(Code.TardosProbabilities, p => Assert.InRange(p, t - 1e-5, 1 - t + 1e-5));

        // The arcsine law on [0, 1]: P(p <= 0.1) = (2 / pi) asin(sqrt(0.1)) = 0.205.
        double below = Code.TardosProbabilities.Count(p => p <= 0.1) / (double)Code.TardosLength;
        Assert.InRange(below, 0.17, 0.24);
        Assert.InRange(Code.TardosProbabilities.Average(), 0.47, 0.53);
    }

    [Fact]
    public void Contexts_carry_identity_positions_at_the_identity_share()
    {
        var counts = new int[Code.Positions];
        for (ulong s = 0; s < 200_000; s++)
        {
            counts[Code.Position(Distill.Prf.PrfV1.Mix64(s))]++;
        }

        int identity = counts.Take(FingerprintOptions.IdentityBits).Sum();
        Assert.InRange(identity, 99_000, 101_000);
        Assert.All(counts.Take(FingerprintOptions.IdentityBits), c => Assert.InRange(c, 1200, 1950));
    }

    [Fact]
    public void Codeword_bits_agree_between_the_packed_and_single_forms_and_follow_the_biases()
    {
        var words = new ulong[Code.CodewordWords];
        long ones = 0;
        double expected = 0;
        for (int k = 0; k < 50; k++)
        {
            TenantId tenant = TenantId.FromName($"t{k}");
            Code.FillCodeword(tenant, words);
            for (int i = 0; i < Code.Positions; i++)
            {
                bool packed = ((words[i >> 6] >> (i & 63)) & 1) != 0;
                Assert.Equal(Code.Bit(tenant, i), packed);
                if (i >= FingerprintOptions.IdentityBits)
                {
                    ones += packed ? 1 : 0;
                    expected += Code.OneProbability(i);
                }
            }
        }

        Assert.InRange(ones, expected - (4 * Math.Sqrt(expected)), expected + (4 * Math.Sqrt(expected)));
    }

    [Theory]
    [InlineData("12345", 12345UL)]
    [InlineData(" 0x00ff ", 255UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Tenant_numbers_parse_as_numbers(string text, ulong value) => Assert.Equal(value, TenantId.Parse(text).Value);

    [Fact]
    public void Tenant_names_hash_and_bad_text_is_refused()
    {
        Assert.Equal(TenantId.FromName("acme"), TenantId.Parse(" acme "));
        Assert.NotEqual(TenantId.FromName("acme"), TenantId.FromName("Acme"));
        Assert.Equal(TenantId.FromName("0xZZ"), TenantId.Parse("0xZZ"));
        Assert.Throws<ArgumentException>(() => TenantId.Parse("18446744073709551616"));
        Assert.Throws<ArgumentException>(() => TenantId.Parse("  "));
        Assert.Throws<ArgumentException>(() => TenantId.FromName(""));
    }
}
