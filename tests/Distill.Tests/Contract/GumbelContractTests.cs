using Distill.Gumbel;
using Distill.Tests.Contract;

namespace Distill.Tests.Gumbel;

public sealed class GumbelContractTests : SchemeContractTests
{
    protected override string SchemeName => GumbelScheme.SchemeName;

    protected override bool IsDistortionFree => true;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => GumbelScheme.Create(key, GumbelOptions.Default, vocabularySize);
}

/// <summary>Four variants: sessions draw their variant at random, so they are not deterministic.</summary>
public sealed class GumbelVariantsContractTests : SchemeContractTests
{
    protected override string SchemeName => GumbelScheme.SchemeName;

    protected override bool IsDistortionFree => true;

    protected override bool SessionsAreDeterministic => false;

    protected override int NullKeys => 1_000;

    protected override int DistortionDraws => 5_000;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => GumbelScheme.Create(key, new GumbelOptions { Variants = 4, ContextWidth = 2 }, vocabularySize);
}
