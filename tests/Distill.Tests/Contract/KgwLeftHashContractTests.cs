using Distill.GreenList;

namespace Distill.Tests.Contract;

public sealed class KgwLeftHashContractTests : SchemeContractTests
{
    protected override string SchemeName => KgwScheme.SchemeName;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.LeftHash, vocabularySize);
}
