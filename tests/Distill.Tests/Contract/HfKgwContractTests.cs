using Distill.GreenList;
using Distill.Interop;
using Distill.Tests.Contract;

namespace Distill.Tests.Interop;

/// <summary>The scheme contract for hf-kgw; test keys become one-word hashing keys below 2^63.</summary>
public abstract class HfKgwContractTests : SchemeContractTests
{
    protected override string SchemeName => HfKgwScheme.SchemeName;

    protected abstract HfKgwOptions Options { get; }

    /// <summary>The one-word integer key a test key maps to: <see cref="TestData.IntegerKeyFor"/>'s word, its top bit cleared.</summary>
    internal static WatermarkKey HashingKeyFor(WatermarkKey key) => WatermarkKey.FromIntegers([TestData.IntegerKeyFor(key).IntegerWords[0] & long.MaxValue]);

    protected override WatermarkKey SchemeKey(WatermarkKey key) => HashingKeyFor(key);

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => HfKgwScheme.Create(HashingKeyFor(key), Options, vocabularySize);
}

public sealed class HfKgwLeftHashContractTests : HfKgwContractTests
{
    protected override HfKgwOptions Options => HfKgwOptions.Default;
}

public sealed class HfKgwSelfHashContractTests : HfKgwContractTests
{
    protected override HfKgwOptions Options => new() { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 };
}
