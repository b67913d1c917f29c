using System;
using System.Linq;
using Distill.Fingerprinting;
using Distill.Tests.Radioactivity;

namespace Distill.Tests.Fingerprinting;

public sealed class FingerprintTracingTests
{
    private const int Vocabulary = 2000;

    private static readonly FingerprintScheme Scheme = FingerprintScheme.Create(TestData.FixedKey, null, null, Vocabulary);

    private static readonly ToyModel Model = new(Vocabulary);

    internal static int[] Generate(FingerprintScheme scheme, TenantId tenant, int seed, int count)
    {
        var random = new Random(seed);
        int[] prompt = [random.Next(Vocabulary), random.Next(Vocabulary)];
        return Model.Generate(prompt, count, random, scheme.CreateSession(tenant, prompt));
    }

    [Fact]
    public void Smoke()
    {
        var registry = new TenantRegistry(Enumerable.Range(0, 1000).Select(i => TenantId.FromName($"tenant-{i}")));
        int right = 0, wrong = 0;
        for (int d = 0; d < 40; d++)
        {
            TenantId tenant = registry.Tenants[d * 7];
            int[] tokens = Generate(Scheme, tenant, d, 300);
            TraceResult r = Scheme.Trace(tokens, registry);
            TraceResult open = Scheme.Trace(tokens);
            Console.WriteLine($"{d}: {r.Tenant == tenant} p={r.Log10PValue:F1} unc={r.Log10PValueUncorrected:F1} green={r.GreenTokens}/{r.ScoredTokens} zero={r.ZeroBit.Log10PValue:F1} cand={r.CandidatesChecked} open={open.Tenant == tenant} {open.Log10PValue:F1}");
            if (r.Tenant == tenant) right++;
            else if (r.Tenant is not null) wrong++;
        }

        Console.WriteLine($"right {right} wrong {wrong}");
        Assert.Equal(0, wrong);
    }

    [Theory]
    [InlineData(2, 10)]
    [InlineData(4, 20)]
    [InlineData(8, 40)]
    public void PooledSmoke(int colluders, int documentsEach)
    {
        var registry = new TenantRegistry(Enumerable.Range(0, 10000).Select(i => TenantId.FromName($"tenant-{i}")));
        FingerprintEvidence evidence = Scheme.CreateEvidence();
        for (int d = 0; d < documentsEach; d++)
        {
            for (int c = 0; c < colluders; c++)
            {
                evidence.Add(Generate(Scheme, registry.Tenants[c * 13], (1000 * c) + d, 300));
            }

            if ((d + 1) % (documentsEach / 5) == 0)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                PooledTraceResult r = Scheme.TracePooled(evidence, registry);
                Console.WriteLine($"c={colluders} docs={(d + 1) * colluders} tokens={evidence.Scored} used={r.PositionsUsed} thr={r.AccusationThreshold:F1} accused={r.Accused.Count} ms={sw.ElapsedMilliseconds} top: " + string.Join(", ", r.Ranked.Take(colluders + 2).Select(a => $"{registry.Tenants.ToList().IndexOf(a.Tenant)}:{a.Score:F1}:{a.Log10PValue:F1}{(a.Accused ? "*" : "")}")));
                Assert.All(r.Accused, a => Assert.Contains(a.Tenant, Enumerable.Range(0, colluders).Select(c => registry.Tenants[c * 13])));
            }
        }
    }
}
