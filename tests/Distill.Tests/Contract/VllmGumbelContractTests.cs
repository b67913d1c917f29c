using Distill.Interop;
using Distill.Tests.Contract;

namespace Distill.Tests.Interop;

public sealed class VllmGumbelContractTests : SchemeContractTests
{
    protected override string SchemeName => VllmGumbelScheme.SchemeName;

    protected override bool IsDistortionFree => true;

    protected override WatermarkKey SchemeKey(WatermarkKey key) => TestData.IntegerKeyFor(key);

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => VllmGumbelScheme.Create(SchemeKey(key), VllmOptions.Default, vocabularySize);
}

/// <summary>The dual key: sessions route each step to key B at random, so they are not deterministic.</summary>
public sealed class VllmDualKeyContractTests : SchemeContractTests
{
    protected override string SchemeName => VllmGumbelScheme.DualKeySchemeName;

    protected override bool IsDistortionFree => true;

    protected override bool SessionsAreDeterministic => false;

    protected override int NullKeys => 1_000;

    protected override int DistortionDraws => 5_000;

    protected override WatermarkKey SchemeKey(WatermarkKey key) => TestData.IntegerKeyFor(key);

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => VllmGumbelScheme.Create(SchemeKey(key), VllmOptions.DualKeyDefault with { ContextWidth = 2 }, vocabularySize);
}
