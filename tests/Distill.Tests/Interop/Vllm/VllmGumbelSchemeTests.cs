using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distill.Detection;
using Distill.Interop;
using Distill.Statistics;
using FsCheck;
using FsCheck.Xunit;

namespace Distill.Tests.Interop;

/// <summary>The vLLM profiles' own facts: Distill's p-values beside the reference's, the look-back, the profile file.</summary>
public sealed class VllmGumbelSchemeTests
{
    [Fact]
    public void Distill_p_values_are_never_below_the_references_for_one_key()
    {
        // Distill's terms are -ln(1 - m / (2^24 + 1)) <= vLLM's -ln(1 - (m + 1) / (2^24 + 1)): same n, smaller sum.
        int compared = 0;
        foreach (JsonElement s in TestData.Json("interop/vllm_sequences.json").RootElement.GetProperty("sequences").EnumerateArray())
        {
            if (s.GetProperty("algorithm").GetString() == "dual_key_gumbel")
            {
                continue;
            }

            int[] tokens = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            VllmGumbelScheme scheme = VllmDetectionTests.Scheme(ulong.Parse(s.GetProperty("key").GetString()!, CultureInfo.InvariantCulture), s.GetProperty("context_width").GetInt32(), 0);
            DetectionResult ours = scheme.Detect(tokens, new DetectionOptions { MinimumScoredTokens = 1 });
            ReferenceResult theirs = scheme.DetectReference(tokens, deduplicate: true);
            double theirLog10 = theirs.Log10PValue ?? double.NaN;
            Assert.Equal(theirs.ScoredCount, ours.ScoredTokens);
            Assert.True(ours.Score <= theirs.Score);
            Assert.True(ours.Log10PValue >= theirLog10 - 1e-9, $"{ours.Log10PValue} < {theirLog10}");
            // The loss is tiny: the terms differ by about 2^-24 / (1 - u).
            Assert.True(ours.Log10PValue - theirLog10 < 0.01 + (0.01 * Math.Abs(theirLog10)), $"{ours.Log10PValue} vs {theirLog10}");
            compared++;
        }

        Assert.Equal(10, compared);
    }

    [Fact]
    public void Watermarked_shared_sequences_are_detected_by_Distills_p_value()
    {
        foreach (JsonElement s in TestData.Json("interop/vllm_sequences.json").RootElement.GetProperty("sequences").EnumerateArray())
        {
            bool dual = s.GetProperty("algorithm").GetString() == "dual_key_gumbel";
            int[] tokens = [.. s.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];
            VllmGumbelScheme scheme = VllmDetectionTests.Scheme(ulong.Parse(s.GetProperty("key").GetString()!, CultureInfo.InvariantCulture), s.GetProperty("context_width").GetInt32(), dual ? s.GetProperty("alpha").GetDouble() : 0);
            DetectionResult result = scheme.Detect(tokens, new DetectionOptions { MinimumScoredTokens = 1 });
            bool watermarked = s.GetProperty("kind").GetString() == "watermarked";
            Assert.True(watermarked == result.Log10PValue < -4, $"{s.GetProperty("id").GetString()}: log10 p {result.Log10PValue}");
        }
    }

    [Property(MaxTest = 300, Replay = "(7071,1113)")]
    public bool Dual_key_Chernoff_bound_is_above_the_exact_tail_at_alpha_one_half(PositiveInt n, PositiveInt percent)
    {
        // At alpha = 1/2 the fused sum (A + B) / 2 of two Gamma(n) sums is Gamma(2n) / 2: exact tail Q(2n, 2s).
        long count = 1 + (n.Get % 5_000);
        double s = count * (1.0 + (percent.Get % 400 / 100.0));
        double bound = VllmGumbelScheme.LogTail(count, s, 0.5);
        double exact = GammaDistribution.LogUpperTail(2 * count, 2 * s);
        return bound >= exact - 1e-9 && bound <= 0;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Dual_key_alpha_0_and_1_are_accepted_as_vLLM_accepts_them_with_the_exact_Gamma_tail(double alpha)
    {
        // Every step then uses one key (A at 0, B at 1): each term is that key's, the sum exactly Gamma(n).
        foreach (var (n, s) in new[] { (20L, 24.0), (50L, 80.0), (200L, 260.0) })
        {
            Assert.Equal(Distill.Statistics.GammaDistribution.LogUpperTail(n, s), VllmGumbelScheme.LogTail(n, s, alpha), 12);
        }

        var scheme = VllmGumbelScheme.Create(WatermarkKey.FromIntegers([11]), VllmOptions.DualKeyDefault with { Alpha = alpha }, 64);
        Assert.Equal(alpha, scheme.Options.Alpha);
        VllmGumbelSession session = (VllmGumbelSession)scheme.CreateSession([1, 2], routingSeed: 3);
        var random = new Random(4);
        var logits = new float[64];
        var tokens = new int[120];
        for (int i = 0; i < tokens.Length; i++)
        {
            for (int v = 0; v < logits.Length; v++)
            {
                logits[v] = (float)(random.NextDouble() * 2);
            }

            session.ProcessLogits(logits);
            tokens[i] = Array.FindIndex(logits, x => !float.IsNegativeInfinity(x));
            session.Accept(tokens[i]);
        }

        DetectionResult result = scheme.Detect(tokens);
        Assert.True(result.Log10PValue < -6, $"alpha {alpha}: log10 p {result.Log10PValue:F2}");
        Assert.True(scheme.DetectReference(tokens, deduplicate: true).IsWatermarked);
    }

    [Fact]
    public void Dual_key_Chernoff_bound_is_above_a_simulated_tail()
    {
        // (1 - alpha) A + alpha B for alpha = 0.1, n = 20: the bound must cover the empirical tail.
        var random = new Random(5);
        const int n = 20, draws = 200_000;
        var sums = new double[draws];
        for (int d = 0; d < draws; d++)
        {
            double a = 0, b = 0;
            for (int i = 0; i < n; i++)
            {
                a -= Math.Log(1 - random.NextDouble());
                b -= Math.Log(1 - random.NextDouble());
            }

            sums[d] = (0.9 * a) + (0.1 * b);
        }

        foreach (double threshold in new[] { 24.0, 28.0, 32.0, 36.0 })
        {
            double empirical = sums.Count(x => x >= threshold) / (double)draws;
            double bound = Math.Exp(VllmGumbelScheme.LogTail(n, threshold, 0.1));
            Assert.True(bound >= empirical, $"threshold {threshold}: bound {bound} below the simulated {empirical}");
            Assert.True(empirical > 0 || threshold > 30, $"threshold {threshold}: no simulated sum reached it");
            // Chernoff's price at n = 20: about one order of magnitude, shrinking relative to p as n grows.
            Assert.True(bound < (30 * empirical) + 1e-4, $"threshold {threshold}: bound {bound} far above {empirical}");
        }
    }

    [Fact]
    public void Integer_shape_p_values_match_the_high_precision_references()
    {
        JsonElement root = TestData.Json("interop/vllm_pvalues.json").RootElement;
        foreach (JsonElement c in root.GetProperty("integer_shape").EnumerateArray())
        {
            double exact = c.GetProperty("p_exact_mpmath").GetDouble();
            double ours = Math.Pow(10, VllmDetection.Log10PValue(c.GetProperty("score").GetDouble(), c.GetProperty("n").GetInt32(), 0));
            Assert.True(Math.Abs(ours - exact) <= 1e-12 * exact, $"{ours} vs {exact}");
        }

        foreach (JsonElement c in root.GetProperty("gammaincc").EnumerateArray())
        {
            double exact = c.GetProperty("q_exact_mpmath").GetDouble();
            double ours = Math.Exp(GammaDistribution.LogUpperTail(c.GetProperty("a").GetDouble(), c.GetProperty("x").GetDouble()));
            Assert.True(Math.Abs(ours - exact) <= 1e-10 * exact, $"{ours} vs {exact}");
        }
    }

    [Fact]
    public void Generation_look_back_forgets_contexts_older_than_its_window()
    {
        const int vocabulary = 64;
        var logits = new float[vocabulary];
        VllmGumbelScheme scheme = VllmGumbelScheme.Create(WatermarkKey.FromIntegers([42]), new VllmOptions { ContextWidth = 1, LookBack = 3 }, vocabulary);
        VllmGumbelSession session = (VllmGumbelSession)scheme.CreateSession([]);
        Assert.True(session.ChooseToken(logits) >= 0); // context: padding
        session.Accept(5);                              // context 5 now current; padding used once
        session.Accept(6);
        session.Accept(5);                              // context 5 was used (before 6): repeated
        Assert.Equal(-1, session.ChooseToken(logits));
        session.Accept(7);
        session.Accept(8);
        session.Accept(9);                              // the use of context 5 fell out of the 3-position window
        session.Accept(5);
        Assert.True(session.ChooseToken(logits) >= 0);
    }

    [Fact]
    public void Legacy_mapping_picks_by_the_older_words()
    {
        const int vocabulary = 500;
        var random = new Random(3);
        var logits = new float[vocabulary];
        for (int i = 0; i < vocabulary; i++)
        {
            logits[i] = (float)random.NextDouble();
        }

        WatermarkKey key = WatermarkKey.FromIntegers([15726070495360670683]);
        var legacy = VllmGumbelScheme.Create(key, new VllmOptions { LegacyTokenMapping = true }, vocabulary);
        var prf = new VllmPrf(15726070495360670683, 4);
        var state = prf.Absorb((ReadOnlySpan<uint>)[uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue]);
        int expected = NaiveChoice(logits, t => prf.LegacyWord(state, (uint)t));
        Assert.Equal(expected, ((VllmGumbelSession)legacy.CreateSession([])).ChooseToken(logits));
        Assert.NotEqual(legacy.Descriptor.Hash, VllmGumbelScheme.Create(key, VllmOptions.Default, vocabulary).Descriptor.Hash);
    }

    [Property(MaxTest = 200, Replay = "(3141,5927)")]
    public bool The_pruned_choice_is_the_plain_argmax(int seed, bool truncate, PositiveInt spread)
    {
        // Flat to peaked logits, some truncated to the top 10: the two-pass pick must equal the one-pass argmax.
        var random = new Random(seed);
        int vocabulary = 50 + random.Next(3000);
        float scale = 0.1f + (spread.Get % 200 / 4f);
        var logits = new float[vocabulary];
        for (int i = 0; i < vocabulary; i++)
        {
            logits[i] = (float)(scale * random.NextDouble());
        }

        if (truncate)
        {
            float cut = logits.OrderByDescending(l => l).ElementAt(9);
            for (int i = 0; i < vocabulary; i++)
            {
                logits[i] = logits[i] >= cut ? logits[i] : float.NegativeInfinity;
            }
        }

        var prf = new VllmPrf(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL), 4);
        var state = prf.Absorb((ReadOnlySpan<uint>)[unchecked((uint)seed), 1, 2, 3]);
        return prf.ChooseToken(state, logits, legacyMapping: false, new uint[vocabulary]) == NaiveChoice(logits, t => prf.Word(state, (uint)t));
    }

    /// <summary>argmax over finite logits of l + (float)(-log(-log(max(u, FLT_MIN)))), lowest id on ties, one id at a time.</summary>
    private static int NaiveChoice(float[] logits, Func<int, uint> word)
    {
        int best = -1;
        float bestValue = float.NegativeInfinity;
        for (int t = 0; t < logits.Length; t++)
        {
            if (float.IsNegativeInfinity(logits[t]))
            {
                continue;
            }

            float u = Math.Max(VllmPrf.Uniform(word(t)), 1.17549435E-38f);
            float value = logits[t] + -TorchFloat32.Log(-TorchFloat32.Log(u));
            if (best < 0 || value > bestValue)
            {
                best = t;
                bestValue = value;
            }
        }

        return best;
    }

    [Fact]
    public void A_profile_file_keeps_the_integer_key_and_refuses_an_edited_one()
    {
        string directory = Path.Combine(Path.GetTempPath(), "distill-vllm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "vllm.json");
            var scheme = VllmGumbelScheme.Create(WatermarkKey.FromIntegers([ulong.MaxValue]), VllmOptions.DualKeyDefault, 32000, "test");
            new WatermarkProfile(scheme.Descriptor, WatermarkKey.FromIntegers([ulong.MaxValue])).Save(path);
            WatermarkProfile loaded = WatermarkProfile.Load(path);
            Assert.True(loaded.Key.IsIntegerKey);
            Assert.Equal(scheme.Descriptor.Hash, loaded.CreateScheme().Descriptor.Hash);
            int[] tokens = [.. Enumerable.Range(0, 50).Select(i => (i * 977) % 32000)];
            Assert.Equal(scheme.Detect(tokens).Log10PValue, loaded.CreateScheme().Detect(tokens).Log10PValue);

            string text = File.ReadAllText(path);
            Assert.Contains("\"18446744073709551615\"", text, StringComparison.Ordinal);
            File.WriteAllText(path, text.Replace("\"18446744073709551615\"", "\"18446744073709551614\"", StringComparison.Ordinal));
            var error = Assert.Throws<InvalidDataException>(() => WatermarkProfile.Load(path));
            Assert.Contains("integer key", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Bad_keys_and_mismatched_descriptors_are_refused()
    {
        Assert.Throws<ArgumentException>(() => VllmGumbelScheme.Create(TestData.FixedKey, null, 100));
        Assert.Throws<ArgumentException>(() => VllmGumbelScheme.Create(WatermarkKey.FromIntegers([1, 2]), null, 100));
        Assert.Throws<ArgumentException>(() => WatermarkKey.FromIntegers([]));
        Assert.Throws<ArgumentException>(() => WatermarkKey.FromIntegers(new ulong[WatermarkKey.MaxIntegerKeyWords + 1]));
        Assert.True(WatermarkKey.FromIntegers(new ulong[WatermarkKey.MaxIntegerKeyWords]).IsIntegerKey);
        Assert.NotEqual(WatermarkKey.FromIntegers([1, 2]).KeyId, WatermarkKey.FromIntegers([2, 1]).KeyId);
        Assert.Throws<ArgumentOutOfRangeException>(() => new VllmOptions { Alpha = 1.0000001 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VllmOptions { Alpha = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VllmOptions { Alpha = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VllmOptions { ContextWidth = 0 });
        WatermarkKey key = WatermarkKey.FromIntegers([7]);
        SchemeDescriptor dual = VllmGumbelScheme.Create(key, VllmOptions.DualKeyDefault, 100).Descriptor;
        Assert.Throws<ArgumentException>(() => VllmGumbelScheme.FromDescriptor(dual with { Scheme = VllmGumbelScheme.SchemeName }, key));
        Assert.Throws<ArgumentException>(() => VllmGumbelScheme.FromDescriptor(dual, WatermarkKey.FromIntegers([8])));
    }
}
