using Distill.Fingerprinting;
using Distill.GreenList;
using Distill.Interop;
using Distill.Tests.Reference;
using Distill.Unigram;

namespace Distill.Tests.Contract;

/// <summary>The scheme contract, again, for every green-list scheme with a reference filter.</summary>
public abstract class ReferenceFilterContractTests : SchemeContractTests
{
    protected abstract WatermarkScheme CreatePlain(WatermarkKey key, int vocabularySize);

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        CreatePlain(key, vocabularySize).WithReference([ReferenceTestData.Zipf(vocabularySize)], ReferenceTestData.Rate);

    protected override WatermarkScheme FromProfile(WatermarkProfile profile) => profile.CreateScheme([ReferenceTestData.Zipf(profile.Descriptor.VocabularySize)]);
}

public sealed class KgwSelfHashFilteredContractTests : ReferenceFilterContractTests
{
    protected override string SchemeName => KgwScheme.SchemeName;

    protected override WatermarkScheme CreatePlain(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.Default, vocabularySize);
}

public sealed class KgwLeftHashFilteredContractTests : ReferenceFilterContractTests
{
    protected override string SchemeName => KgwScheme.SchemeName;

    protected override WatermarkScheme CreatePlain(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.LeftHash, vocabularySize);
}

public sealed class UnigramFilteredContractTests : ReferenceFilterContractTests
{
    protected override string SchemeName => UnigramScheme.SchemeName;

    protected override WatermarkScheme CreatePlain(WatermarkKey key, int vocabularySize) => UnigramScheme.Create(key, UnigramOptions.Default, vocabularySize);
}

public sealed class FingerprintFilteredContractTests : ReferenceFilterContractTests
{
    protected override string SchemeName => FingerprintScheme.SchemeName;

    protected override WatermarkScheme CreatePlain(WatermarkKey key, int vocabularySize) => FingerprintScheme.Create(key, null, null, vocabularySize);
}

public sealed class HfKgwFilteredContractTests : ReferenceFilterContractTests
{
    protected override string SchemeName => HfKgwScheme.SchemeName;

    protected override WatermarkKey SchemeKey(WatermarkKey key) => Interop.HfKgwContractTests.HashingKeyFor(key);

    protected override WatermarkScheme CreatePlain(WatermarkKey key, int vocabularySize) => HfKgwScheme.Create(SchemeKey(key), HfKgwOptions.Default, vocabularySize);
}
