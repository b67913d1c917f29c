using Distill.Tests.Registry.TestScheme;

namespace Distill.Tests.Contract;

/// <summary>The contract, passed by a scheme that the tests add through the scheme registry alone.</summary>
public sealed class ConstantBiasContractTests : SchemeContractTests
{
    public ConstantBiasContractTests() => ConstantBiasRegistration.EnsureRegistered();

    protected override string SchemeName => ConstantBiasScheme.SchemeName;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => ConstantBiasScheme.Create(key, ConstantBiasOptions.Default, vocabularySize);
}
