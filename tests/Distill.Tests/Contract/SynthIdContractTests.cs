using Distill.Tests.Contract;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

public sealed class SynthIdContractTests : SchemeContractTests
{
    protected override string SchemeName => SynthIdScheme.SchemeName;

    protected override bool IsDistortionFree => true;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => SynthIdScheme.Create(key, SynthIdOptions.Default, vocabularySize);
}
