using Distill.Interop;
using Distill.Tests.Contract;

namespace Distill.Tests.Interop;

/// <summary>The scheme contract for hf-synthid, test keys mapped to 30-word integer keys.</summary>
public sealed class HfSynthIdContractTests : SchemeContractTests
{
    protected override string SchemeName => HfSynthIdScheme.SchemeName;

    /// <remarks>
    /// Over random keys each layer's g-values are table bits at a uniformly shifted index, so every
    /// candidate has the same chance of g = 1 and each layer's update keeps the distribution in
    /// expectation: the tournament is distortion-free over keys.
    /// </remarks>
    protected override bool IsDistortionFree => true;

    protected override WatermarkKey SchemeKey(WatermarkKey key) => TestData.IntegerKeyFor(key, 30);

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => HfSynthIdScheme.Create(SchemeKey(key), null, vocabularySize);
}
