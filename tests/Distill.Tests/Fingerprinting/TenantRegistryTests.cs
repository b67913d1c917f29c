using System;
using System.IO;
using System.Linq;
using Distill.Fingerprinting;

namespace Distill.Tests.Fingerprinting;

public sealed class TenantRegistryTests
{
    [Fact]
    public void A_registry_round_trips_through_its_file_format()
    {
        TenantRegistry registry = TenantRegistry.FromNames(["acme", "42", "0x10", "globex corp", "#hash"]);
        var writer = new StringWriter();
        registry.Write(writer);
        TenantRegistry read = TenantRegistry.Read(new StringReader(writer.ToString()));
        Assert.Equal(registry.Tenants, read.Tenants);
        Assert.Equal("acme", read.NameOf(TenantId.FromName("acme")));
        Assert.True(read.Contains(new TenantId(42)) && read.Contains(new TenantId(16)));
        Assert.False(read.Contains(new TenantId(43)));
    }

    [Theory]
    [InlineData("acme\nacme\n", "listed twice")]
    [InlineData("# nothing\n\n", "no tenant")]
    [InlineData("1\n99999999999999999999\n", "line 2")]
    [InlineData("a\0b\n", "NUL")]
    public void Corrupt_registries_are_refused_with_the_reason(string text, string reason)
    {
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => TenantRegistry.Read(new StringReader(text)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_lists_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TenantRegistry([]));
        Assert.Throws<ArgumentException>(() => new TenantRegistry([new TenantId(1), new TenantId(1)]));
        Assert.Equal(1000, new TenantRegistry(Enumerable.Range(0, 1000).Select(i => new TenantId((ulong)i))).Count);
    }
}
