using System;
using System.Linq;
using Distill.Fingerprinting;

namespace Distill.Tests.Fingerprinting;

public sealed class RegistryIndexTests
{
    [Fact]
    public void Byte_buckets_list_exactly_the_tenants_sharing_a_byte_each_once_and_the_filter_has_no_false_negatives()
    {
        var code = new TenantCode(TestData.FixedKey, FingerprintOptions.Default);
        TenantRegistry registry = FingerprintTracingTests.Registry(5000);
        var index = new RegistryIndex(code, registry);
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            // A registered word with a few bits flipped, or a random word.
            ulong word = trial % 2 == 0 ? index.Words[random.Next(5000)] ^ (1UL << random.Next(64)) ^ (1UL << random.Next(64)) : (ulong)random.NextInt64();
            int[] sharing = index.SharingAByte(word);
            int[] expected = [.. Enumerable.Range(0, 5000).Where(j => Enumerable.Range(0, 8).Any(b => ((index.Words[j] ^ word) >> (8 * b) & 0xFF) == 0))];
            Assert.Equal(expected, sharing.Order());
        }

        Assert.All(index.Words, w => Assert.True(index.MayContain(w)));
        int falsePositives = Enumerable.Range(0, 10_000).Count(_ => index.MayContain((ulong)random.NextInt64()));
        Assert.InRange(falsePositives, 0, 1200);
    }
}
