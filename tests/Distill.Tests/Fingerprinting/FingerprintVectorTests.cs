using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distill.Fingerprinting;

namespace Distill.Tests.Fingerprinting;

/// <summary>
/// The known answers of docs/schemes/fingerprint_reference.py, an independent Python implementation
/// of docs/schemes/fingerprint.md. If one fails, the released kgw-fingerprint v1 changed: that is a
/// new scheme version, never an edit of the vectors.
/// </summary>
public sealed class FingerprintVectorTests
{
    private static readonly JsonElement Vectors = TestData.Json("fingerprint_v1_vectors.json").RootElement;

    private static readonly FingerprintScheme Scheme = FingerprintScheme.Create(TestData.FixedKey, null, null, 32000);

    private static ulong U64(JsonElement e) => ulong.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Names_identity_words_biases_and_positions_match_the_reference()
    {
        TestData.FixedKey.Derive(TenantCode.SubKeyPurpose).GetWords(out ulong f0, out ulong f1, out ulong f2, out ulong f3);
        Assert.Equal([f0, f1, f2, f3], Vectors.GetProperty("subKeyWords").EnumerateArray().Select(U64));
        foreach (JsonElement n in Vectors.GetProperty("tenantNames").EnumerateArray())
        {
            Assert.Equal(U64(n.GetProperty("value")), TenantId.FromName(n.GetProperty("name").GetString()!).Value);
        }

        TenantCode code = Scheme.Code;
        foreach (JsonElement w in Vectors.GetProperty("identityWords").EnumerateArray())
        {
            var tenant = new TenantId(U64(w.GetProperty("tenant")));
            Assert.Equal(U64(w.GetProperty("word")), code.IdentityWord(tenant));
            Assert.Equal(tenant, code.TenantOf(U64(w.GetProperty("word"))));
        }

        Assert.Equal(Vectors.GetProperty("tardosThresholdsFirst32").EnumerateArray().Select(e => e.GetInt32()), code.TardosThresholds.Take(32).Select(t => (int)t));
        Assert.Equal(Vectors.GetProperty("tardosThresholdsSha256").GetString(), Sha(string.Join(",", code.TardosThresholds)));
        Assert.Equal(Vectors.GetProperty("positionsOfMix64Sha256").GetString(), Sha(string.Join(",", Enumerable.Range(0, 10000).Select(s => code.Position(Distill.Prf.PrfV1.Mix64((ulong)s))))));
        foreach (JsonElement p in Vectors.GetProperty("positions").EnumerateArray())
        {
            Assert.Equal(p.GetProperty("position").GetInt32(), code.Position(U64(p.GetProperty("seed"))));
        }

        foreach (JsonElement c in Vectors.GetProperty("codewords").EnumerateArray())
        {
            var tenant = new TenantId(U64(c.GetProperty("tenant")));
            string bits = string.Concat(Enumerable.Range(0, code.Positions).Select(q => Scheme.CodewordBit(tenant, q) ? '1' : '0'));
            Assert.Equal(c.GetProperty("first128").GetString(), bits[..128]);
            Assert.Equal(c.GetProperty("sha256").GetString(), Sha(bits));
        }
    }

    [Fact]
    public void Evidence_p_values_and_pooled_scores_match_the_reference()
    {
        int[] sequence = [.. Vectors.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32())];
        FingerprintEvidence evidence = Scheme.Decode(sequence);
        Assert.Equal(Vectors.GetProperty("scored").GetInt64(), evidence.Scored);
        Assert.Equal(Vectors.GetProperty("green").GetInt64(), evidence.Green);
        Assert.Equal(Vectors.GetProperty("countsSha256").GetString(), Sha(string.Join(",", Enumerable.Range(0, evidence.Positions).Select(q => $"{evidence.Count(q, 0)}:{evidence.Count(q, 1)}"))));

        foreach (JsonElement t in Vectors.GetProperty("traces").EnumerateArray())
        {
            var tenant = new TenantId(U64(t.GetProperty("tenant")));
            TraceResult result = Scheme.TraceEvidence(evidence, new TenantRegistry([tenant]), null);
            Assert.Equal(tenant, result.BestCandidate);
            Assert.True(Math.Abs(t.GetProperty("log10PValue").GetDouble() - result.Log10PValueUncorrected) < 2e-9, $"{result.Log10PValueUncorrected}");
        }

        var registry = new TenantRegistry(Vectors.GetProperty("pooledScores").EnumerateArray().Select(e => new TenantId(U64(e.GetProperty("tenant")))));
        foreach ((PooledScore kind, string field) in new[] { (PooledScore.Centred, "centred"), (PooledScore.Symmetric, "symmetric") })
        {
            PooledTraceResult pooled = Scheme.TracePooled(evidence, registry, new PooledTraceOptions { Score = kind });
            foreach (JsonElement e in Vectors.GetProperty("pooledScores").EnumerateArray())
            {
                double expected = e.GetProperty(field).GetDouble();
                double actual = pooled.Ranked.Single(a => a.Tenant.Value == U64(e.GetProperty("tenant"))).Score;
                Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{field}: {expected} vs {actual}");
            }
        }
    }

    /// <summary>Frozen embedding outputs (written once with DISTILL_WRITE_GOLDEN=1): processed logits and a greedy generation.</summary>
    [Fact]
    public void Released_embedding_outputs_are_unchanged()
    {
        const int vocabularySize = 50_000;
        var scheme = FingerprintScheme.Create(TestData.FixedKey, null, null, vocabularySize, "o200k_base");
        var logits = new float[vocabularySize];
        for (int i = 0; i < vocabularySize; i++)
        {
            ulong z = Distill.Prf.PrfV1.Mix64((ulong)i + 0x1234);
            logits[i] = z % 17 == 0 ? float.NegativeInfinity : ((z >> 40) / (float)(1 << 24) * 12f) - 6f;
        }

        TenantId tenant = TenantId.FromName("acme");
        int[] prompt = [11, 22];
        WatermarkSession session = scheme.CreateSession(tenant, prompt);
        float[] processed = (float[])logits.Clone();
        session.ProcessLogits(processed);
        var generated = new System.Collections.Generic.List<int>(prompt);
        var step = new float[vocabularySize];
        for (int t = 0; t < 120; t++)
        {
            for (int i = 0; i < vocabularySize; i++)
            {
                step[i] = ((Distill.Prf.PrfV1.Mix64((ulong)((t * 7919) + i)) >> 40) / (float)(1 << 24) * 4f) - 2f;
            }

            session.ProcessLogits(step);
            int next = step.AsSpan().IndexOf(step.Max());
            session.Accept(next);
            generated.Add(next);
        }

        TraceResult trace = scheme.Trace(generated.ToArray(), new TenantRegistry([tenant, new TenantId(1)]));
        var actual = new System.Text.Json.Nodes.JsonObject
        {
            ["descriptorHash"] = scheme.Descriptor.Hash,
            ["processedLogitsSha256"] = Convert.ToHexStringLower(SHA256.HashData(processed.SelectMany(BitConverter.GetBytes).ToArray())),
            ["generated"] = new System.Text.Json.Nodes.JsonArray([.. generated.Select(g => (System.Text.Json.Nodes.JsonNode)g)]),
            ["green"] = trace.GreenTokens,
            ["matching"] = trace.MatchingTokens,
            ["log10PValue"] = trace.Log10PValueUncorrected,
        };
        if (TestData.ReadOrWriteGolden("fingerprint_v1_golden.json", actual) is not { } expected)
        {
            return;
        }

        TestData.AssertSameFields(expected, actual, "", "descriptorHash", "processedLogitsSha256", "generated", "green", "matching");
        Assert.True(Math.Abs(expected["log10PValue"]!.GetValue<double>() - trace.Log10PValueUncorrected) < 1e-9);
    }
}
