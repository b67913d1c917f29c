using Distill.ExpEdit;
using Distill.Tests.Contract;

namespace Distill.Tests.ExpEdit;

/// <summary>
/// The shared contract, on a key sequence of 16 positions so that the permutation tests (999 fresh
/// keys per watermarked detection) stay cheap; the default key length is tested in the other classes.
/// </summary>
public sealed class ExpEditContractTests : SchemeContractTests
{
    protected override string SchemeName => ExpEditScheme.SchemeName;

    // Sessions start at a random shift, so two sessions process logits differently.
    protected override bool SessionsAreDeterministic => false;

    protected override bool IsDistortionFree => true;

    // The permutation test's floor with 999 resamples is 1e-3.
    protected override double PowerLog10Threshold => -2.99;

    protected override int NullKeys => 400;

    protected override int NullLength => 32;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        ExpEditScheme.Create(key, new ExpEditOptions { KeyLength = 16 }, vocabularySize);
}
