using System;
using System.Linq;
using Distill.Fingerprinting;
using Distill.Tests.Radioactivity;

namespace Distill.Tests.Fingerprinting;

/// <summary>Tracing documents and pooled corpora to tenants, on text from a toy model that knows no key.</summary>
public sealed class FingerprintTracingTests
{
    private static readonly FingerprintScheme Scheme = FingerprintScheme.Create(TestData.FixedKey, null, null, 2000);

    private static readonly TenantRegistry Thousand = Registry(1000);

    internal static TenantRegistry Registry(int count, int first = 0) =>
        new(Enumerable.Range(first, count).Select(i => TenantId.FromName($"tenant-{i}")));

    /// <summary>Tokens sampled from a toy model, watermarked for <paramref name="tenant"/> (none: unwatermarked).</summary>
    internal static int[] Generate(FingerprintScheme scheme, TenantId? tenant, int seed, int count)
    {
        var model = new ToyModel(scheme.VocabularySize);
        var random = new Random(seed);
        int[] prompt = [random.Next(model.VocabularySize), random.Next(model.VocabularySize)];
        return model.Generate(prompt, count, random, tenant is { } t ? scheme.CreateSession(t, prompt) : null);
    }

    [Fact]
    public void Documents_of_300_tokens_are_traced_to_their_tenant_among_a_thousand()
    {
        int right = 0;
        for (int d = 0; d < 40; d++)
        {
            TenantId tenant = Thousand.Tenants[d * 23];
            TraceResult result = Scheme.Trace(Generate(Scheme, tenant, d, 300), Thousand);
            Assert.True(result.Tenant is null || result.Tenant == tenant, $"document {d} was traced to the wrong tenant");
            right += result.Tenant == tenant ? 1 : 0;
            Assert.Equal(1000, result.TenantsSearched);
            Assert.True(result.Log10PValue >= result.Log10PValueUncorrected + 3 - 1e-9 || result.Log10PValue == 0);
            Assert.True(result.ZeroBit.IsWatermarked(1e-6), "the zero-bit watermark is there whoever the tenant");
        }

        Assert.True(right >= 38, $"{right} of 40 traced");
    }

    [Fact]
    public void Without_a_registry_the_decoded_number_is_the_tenant_and_the_correction_is_for_2_to_the_64()
    {
        var tenant = new TenantId(0xDEADBEEF12345678UL);
        TraceResult result = Scheme.Trace(Generate(Scheme, tenant, 7, 1000));
        Assert.Equal(tenant, result.Tenant);
        Assert.Equal(Math.Pow(2, 64), result.TenantsSearched);
        Assert.InRange(result.IdentityPositions.Count(e => Scheme.CodewordBit(tenant, e.Position) == e.Bit), 60, 64);
    }

    [Fact]
    public void Unwatermarked_text_names_no_tenant_and_short_texts_do_not_guess()
    {
        for (int d = 0; d < 20; d++)
        {
            Assert.Null(Scheme.Trace(Generate(Scheme, null, 100 + d, 300), Thousand).Tenant);
            Assert.Null(Scheme.Trace(Generate(Scheme, null, 100 + d, 300)).Tenant);
        }

        TraceResult empty = Scheme.Trace([], Thousand);
        Assert.Null(empty.Tenant);
        Assert.Equal(0, empty.Log10PValue);
        TraceResult tiny = Scheme.Trace(Generate(Scheme, Thousand.Tenants[0], 1, 5), Thousand);
        Assert.Null(tiny.Tenant);
    }

    /// <summary>
    /// The p-value of an innocent tenant is exact given the evidence, whether the text is
    /// unwatermarked or another tenant's: over 2,000 documents of tenant A, the uncorrected p-values of
    /// a fixed innocent tenant B are no smaller than uniform, and A's text is attributed to no tenant of
    /// a registry without A.
    /// </summary>
    [Fact]
    public void Innocent_tenants_p_values_are_calibrated_on_another_tenants_text()
    {
        var scheme = FingerprintScheme.Create(TestData.FixedKey, null, null, 400);
        TenantId a = TenantId.FromName("A"), b = TenantId.FromName("B");
        TenantRegistry withoutA = Registry(1000, first: 5000);
        const int documents = 2000;
        int below01 = 0, below001 = 0, wrong = 0;
        for (int d = 0; d < documents; d++)
        {
            FingerprintEvidence evidence = scheme.Decode(Generate(scheme, a, 10_000 + d, 120));
            TraceResult forB = scheme.TraceEvidence(evidence, new TenantRegistry([b]));
            below01 += forB.Log10PValue <= -1 ? 1 : 0;
            below001 += forB.Log10PValue <= -2 ? 1 : 0;
            wrong += scheme.TraceEvidence(evidence, withoutA).Tenant is null ? 0 : 1;
        }

        Assert.InRange(below01, 0, TestData.UpperQuantile(documents, 0.1, 1e-4));
        Assert.InRange(below001, 0, TestData.UpperQuantile(documents, 0.01, 1e-4));
        Assert.InRange(wrong, 0, TestData.UpperQuantile(documents, 1e-3, 1e-4));
    }

    [Theory]
    [InlineData(2, 10)]
    [InlineData(4, 20)]
    [InlineData(8, 36)]
    public void Pooled_colluders_are_accused_and_innocents_are_not(int colluders, int documentsEach)
    {
        TenantRegistry registry = Registry(10_000);
        TenantId[] guilty = [.. Enumerable.Range(0, colluders).Select(c => registry.Tenants[(c * 997) + 3])];
        FingerprintEvidence evidence = Scheme.CreateEvidence();
        for (int d = 0; d < documentsEach; d++)
        {
            for (int c = 0; c < colluders; c++)
            {
                evidence.Add(Generate(Scheme, guilty[c], (1000 * c) + d, 300));
            }
        }

        foreach (PooledScore score in new[] { PooledScore.Centred, PooledScore.Symmetric })
        {
            PooledTraceResult result = Scheme.TracePooled(evidence, registry, new PooledTraceOptions { Score = score });
            Assert.All(result.Accused, x => Assert.Contains(x.Tenant, guilty));
            Assert.All(result.Accused, x => Assert.True(x.Log10PValue <= -6 && x.Score >= result.AccusationThreshold));
            if (score == PooledScore.Centred || colluders <= 4)
            {
                Assert.NotEmpty(result.Accused);
            }

            Assert.Equal(10_000, result.Tenants);
            Assert.Equal(colluders * documentsEach, result.Documents);
        }
    }

    /// <summary>
    /// The accusation bound holds per innocent tenant: at a loose bound (0.5 over 2,000 innocent
    /// tenants, so 2.5e-4 each) innocents of 20 pooled corpora are accused about as often as allowed, never more.
    /// </summary>
    [Fact]
    public void The_pooled_bound_holds_for_innocent_tenants()
    {
        var scheme = FingerprintScheme.Create(TestData.FixedKey, null, new FingerprintOptions { TardosLength = 256 }, 400);
        TenantRegistry innocents = Registry(2000, first: 50_000);
        int accused = 0;
        for (int run = 0; run < 20; run++)
        {
            FingerprintEvidence evidence = scheme.CreateEvidence();
            for (int d = 0; d < 12; d++)
            {
                evidence.Add(Generate(scheme, TenantId.FromName($"guilty-{run}-{d % 3}"), (run * 100) + d, 150));
            }

            foreach (PooledScore score in new[] { PooledScore.Centred, PooledScore.Symmetric })
            {
                accused += scheme.TracePooled(evidence, innocents, new PooledTraceOptions { FalseAccusation = 0.5, Score = score }).Accused.Count;
            }
        }

        // 40 traces at 0.5 each: the expected number of innocent accusations is at most 20.
        Assert.InRange(accused, 0, 40);
    }
}
