using Distill.Fingerprinting;

namespace Distill.Tests.Contract;

/// <summary>The contract on kgw-fingerprint's zero-bit verbs (sessions without a tenant, detection with the master key alone).</summary>
public sealed class FingerprintContractTests : SchemeContractTests
{
    protected override string SchemeName => FingerprintScheme.SchemeName;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => FingerprintScheme.Create(key, null, null, vocabularySize);
}
