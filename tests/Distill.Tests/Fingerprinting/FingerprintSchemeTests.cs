using System;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.Fingerprinting;
using Distill.GreenList;

namespace Distill.Tests.Fingerprinting;

public sealed class FingerprintSchemeTests
{
    private const int Vocabulary = 2000;

    private static readonly FingerprintScheme Scheme = FingerprintScheme.Create(TestData.FixedKey, null, null, Vocabulary, "toy");

    [Fact]
    public void The_master_key_alone_detects_every_tenants_text_through_a_plain_kgw_profile()
    {
        KgwScheme plain = KgwScheme.Create(TestData.FixedKey, FingerprintScheme.DefaultZeroBit, Vocabulary, "toy");
        for (int k = 0; k < 5; k++)
        {
            int[] tokens = FingerprintTracingTests.Generate(Scheme, TenantId.FromName($"tenant-{k}"), k, 200);
            DetectionResult viaPlain = plain.Detect(tokens), viaScheme = Scheme.Detect(tokens);
            Assert.True(viaPlain.IsWatermarked(1e-6));
            Assert.Equal(viaPlain.Log10PValue, viaScheme.Log10PValue);
            Assert.Equal(viaPlain.GreenTokens, Scheme.Decode(tokens).Green);
            Assert.Equal(viaPlain.Log10PValue, Scheme.Decode(tokens).ZeroBit.Log10PValue);
        }
    }

    [Fact]
    public void A_tenant_session_boosts_exactly_the_colour_of_its_bit_and_nothing_else()
    {
        TenantId tenant = TenantId.FromName("acme");
        int[] prompt = [5, 9];
        WatermarkSession session = Scheme.CreateSession(tenant, prompt);
        var logits = new float[Vocabulary];
        for (int i = 0; i < Vocabulary; i++)
        {
            logits[i] = i % 11 == 0 ? float.NegativeInfinity : (i % 7) - 3f;
        }

        float[] processed = (float[])logits.Clone();
        session.ProcessLogits(processed);

        // The boosted tokens are green, of one colour, and are that colour's whole set among unmasked tokens.
        int[] boosted = [.. Enumerable.Range(0, Vocabulary).Where(i => processed[i] != logits[i])];
        Assert.All(Enumerable.Range(0, Vocabulary).Where(i => float.IsNegativeInfinity(logits[i])), i => Assert.True(float.IsNegativeInfinity(processed[i])));
        Assert.All(boosted, i => Assert.Equal(logits[i] + 3f, processed[i]));
        int colour = -1, position = -1;
        foreach (int token in Enumerable.Range(0, Vocabulary).Where(i => !float.IsNegativeInfinity(logits[i])))
        {
            FingerprintEvidence e = Scheme.Decode([5, 9, token]);
            int p = Enumerable.Range(0, e.Positions).FirstOrDefault(q => e.Count(q, 0) + e.Count(q, 1) > 0, -1);
            bool isBoosted = boosted.Contains(token);
            if (p >= 0)
            {
                int c = e.Count(p, 1) > 0 ? 1 : 0;
                position = position < 0 ? p : position;
                Assert.Equal(position, p);
                if (isBoosted)
                {
                    colour = colour < 0 ? c : colour;
                    Assert.Equal(colour, c);
                }
            }
            else
            {
                Assert.False(isBoosted, $"token {token} is red but was boosted");
            }
        }

        Assert.Equal(Scheme.CodewordBit(tenant, position) ? 1 : 0, colour);
        Assert.InRange(boosted.Length, 350, 560);
    }

    [Fact]
    public void Vector_and_scalar_slices_agree_bit_for_bit()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            int length = random.Next(1, 5000);
            var logits = new float[length];
            for (int i = 0; i < length; i++)
            {
                logits[i] = i % 13 == 0 ? float.NegativeInfinity : (float)(random.NextDouble() * 10 - 5);
            }

            ulong seed = (ulong)random.NextInt64();
            uint offset = (uint)random.NextInt64(0, uint.MaxValue), width = (uint)random.NextInt64(0, uint.MaxValue);
            float[] vector = (float[])logits.Clone(), scalar = (float[])logits.Clone();
            GreenBias.ApplyRange(vector, seed, offset, width, 2.5f, allowVectors: true);
            GreenBias.ApplyRange(scalar, seed, offset, width, 2.5f, allowVectors: false);
            Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), vector.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Profiles_round_trip_and_mismatches_are_refused()
    {
        var profile = new WatermarkProfile(Scheme.Descriptor, TestData.FixedKey);
        string path = Path.Combine(Path.GetTempPath(), $"distill-fp-{Guid.NewGuid():N}.json");
        try
        {
            profile.Save(path);
            var again = Assert.IsType<FingerprintScheme>(WatermarkProfile.Load(path).CreateScheme());
            Assert.Equal(Scheme.Descriptor.Hash, again.Descriptor.Hash);
            Assert.Equal(Scheme.CodewordBit(new TenantId(7), 100), again.CodewordBit(new TenantId(7), 100));
        }
        finally
        {
            File.Delete(path);
        }

        var longer = FingerprintScheme.Create(TestData.FixedKey, null, new FingerprintOptions { TardosLength = 4096 }, Vocabulary, "toy");
        Assert.NotEqual(Scheme.Descriptor.Hash, longer.Descriptor.Hash);
        Assert.NotEqual(Scheme.Descriptor.Hash, Scheme.ZeroBit.Descriptor.Hash);
        Assert.Throws<ArgumentException>(() => Scheme.TraceEvidence(longer.Decode([1, 2, 3])));
        Assert.Throws<ArgumentException>(() => FingerprintScheme.FromDescriptor(Scheme.Descriptor, WatermarkKey.FromBytes(new byte[32])));
        Assert.Throws<ArgumentException>(() => FingerprintScheme.FromDescriptor(Scheme.ZeroBit.Descriptor, TestData.FixedKey));
    }

    [Fact]
    public void Bad_input_gets_a_clear_error_and_changes_nothing()
    {
        Assert.Throws<ArgumentException>(() => FingerprintScheme.Create(TestData.FixedKey, KgwOptions.Default, null, Vocabulary));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintOptions { IdentityShare = 1.0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintOptions { TardosLength = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FingerprintOptions { DesignColluders = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TraceOptions { Alpha = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PooledTraceOptions { FalseAccusation = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Scheme.CodewordBit(default, Scheme.Options.Positions));

        FingerprintEvidence evidence = Scheme.Decode([1, 2, 3, 4]);
        long scored = evidence.Scored;
        Assert.Throws<ArgumentOutOfRangeException>(() => evidence.Add([1, 2, Vocabulary]));
        Assert.Throws<ArgumentOutOfRangeException>(() => evidence.Add([-1]));
        Assert.Equal(scored, evidence.Scored);
        Assert.Equal(1, evidence.Documents);

        WatermarkSession session = Scheme.CreateSession(new TenantId(1), [1, 2]);
        var logits = new float[Vocabulary];
        logits[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
        Assert.Equal(0f, logits[4]);
        Assert.Throws<ArgumentException>(() => session.ProcessLogits(new float[Vocabulary - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(Vocabulary));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scheme.CreateSession(new TenantId(1), [Vocabulary]));
    }

    [Fact]
    public void Deduplication_counts_a_repeated_context_and_token_once_across_the_corpus()
    {
        int[] tokens = FingerprintTracingTests.Generate(Scheme, new TenantId(5), 1, 100);
        FingerprintEvidence evidence = Scheme.CreateEvidence();
        evidence.Add(tokens);
        long green = evidence.Green;
        evidence.Add(tokens);
        Assert.Equal(green, evidence.Green);
        Assert.Equal(2, evidence.Documents);
        FingerprintEvidence all = Scheme.CreateEvidence(new DetectionOptions { Deduplicate = false });
        all.Add(tokens);
        all.Add(tokens);
        Assert.True(all.Green >= 2 * green);
    }
}
