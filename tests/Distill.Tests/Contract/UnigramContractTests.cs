using Distill.Unigram;

namespace Distill.Tests.Contract;

public sealed class UnigramContractTests : SchemeContractTests
{
    protected override string SchemeName => UnigramScheme.SchemeName;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => UnigramScheme.Create(key, UnigramOptions.Default, vocabularySize);
}
