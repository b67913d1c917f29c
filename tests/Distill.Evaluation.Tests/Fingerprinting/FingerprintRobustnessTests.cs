using System;
using System.Linq;
using Distill.Evaluation.Attacks;
using Distill.Evaluation.Fingerprinting;
using Distill.Fingerprinting;

namespace Distill.Evaluation.Tests.Fingerprinting;

/// <summary>Tracing after random token substitutions (an edit attack without a paraphraser), among 10^3 tenants.</summary>
[Collection(SharedModel.Name)]
public sealed class FingerprintRobustnessTests
{
    private readonly ModelFixture _fixture;

    public FingerprintRobustnessTests(ModelFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(0.1, 38)]
    [InlineData(0.2, 36)]
    [InlineData(0.3, 14)]
    public void Substituted_texts_are_still_traced_and_never_to_another_tenant(double substitution, int atLeast)
    {
        KneserNeyModel model = _fixture.Model;
        var scheme = FingerprintScheme.Create(WatermarkKey.FromBytes(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray()), null, null, model.VocabularySize);
        var registry = new TenantRegistry(Enumerable.Range(0, 1000).Select(k => FingerprintExperiment.Tenant(k)));
        var sampler = new BiasRejectionSampler(model);
        var attack = new TokenEditAttack(new EditRates(substitution: substitution), TokenDistribution.SeenBy(model));
        int right = 0;
        for (int d = 0; d < 40; d++)
        {
            TenantId tenant = registry.Tenants[d * 17];
            ReadOnlyMemory<int> source = _fixture.HeldOut[d % _fixture.HeldOut.Count].Ids;
            int[] prompt = source[..32].ToArray();
            var output = new int[300];
            sampler.Generate(scheme.CreateSession(tenant, prompt), prompt, output, (ulong)d + 1);
            TokenAttackResult attacked = attack.Apply(output, (ulong)d + 100);
            TraceResult result = scheme.Trace(attacked.Tokens.Span, registry);
            Assert.True(result.Tenant is null || result.Tenant == tenant, $"document {d} traced to another tenant");
            right += result.Tenant == tenant ? 1 : 0;
        }

        Assert.True(right >= atLeast, $"{right} of 40 traced after {substitution:P0} substitutions");
    }
}
