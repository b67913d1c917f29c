using Distill.GreenList;

namespace Distill.Tests.Contract;

public sealed class KgwSelfHashContractTests : SchemeContractTests
{
    protected override string SchemeName => KgwScheme.SchemeName;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.Default, vocabularySize);
}
