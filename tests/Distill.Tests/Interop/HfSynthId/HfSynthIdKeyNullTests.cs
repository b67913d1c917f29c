using System;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Detection;
using Distill.Interop;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit.Abstractions;

namespace Distill.Tests.Interop;

/// <summary>
/// The hf-synthid null over random layer keys with the table fixed: the correlation at every offset,
/// the exact tail and the Chernoff bounds against brute force, calibration, and the accumulator's state.
/// </summary>
public sealed class HfSynthIdKeyNullTests(ITestOutputHelper output)
{
    private static readonly ulong[] s_referenceKeys = [654, 400, 836, 123, 340, 443, 597, 160, 57, 29, 590, 639, 13, 715, 468, 990, 966, 226, 324, 585, 118, 504, 421, 521, 129, 669, 732, 225, 90, 960];

    [Property(MaxTest = 60, Replay = "(4242,777)")]
    public Property The_correlation_at_every_offset_equals_a_direct_loop(int seed)
    {
        var random = new Random(seed);
        int size = 1 << random.Next(1, 11);
        byte[] table = [.. Enumerable.Range(0, size).Select(_ => (byte)random.Next(2))];
        long[] histogram = [.. Enumerable.Range(0, size).Select(_ => random.Next(4) == 0 ? (long)random.Next(1, 1_000_000) : 0)];
        byte[] permuted = HfSynthIdTableSpectrum.Permute(table);
        long[] fast = HfSynthIdTableSpectrum.For(unchecked((ulong)(uint)seed) | (1UL << 63), table).Correlate(histogram);
        bool same = true;
        for (int o = 0; o < size && same; o++)
        {
            long direct = 0;
            for (int x = 0; x < size; x++)
            {
                // The reference's index for hash residue x and key offset o.
                direct += histogram[x] * table[(int)(unchecked((((ulong)x + (ulong)o) * 6364136223846793005UL) + 1) & (ulong)(size - 1))];
            }

            same = fast[o] == direct && permuted[o] == table[(int)(unchecked(((ulong)o * 6364136223846793005UL) + 1) & (ulong)(size - 1))];
        }

        return same.Label($"size {size}, seed {seed}");
    }

    [Property(MaxTest = 40, Replay = "(31337,2719)")]
    public Property A_layer_reads_the_permuted_table_at_the_hash_plus_its_key(int seed)
    {
        var random = new Random(seed);
        int bits = random.Next(1, 17);
        ulong[] keys = [.. Enumerable.Range(0, 4).Select(_ => (ulong)random.NextInt64())];
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(keys), new HfSynthIdOptions { TableSize = 1 << bits }, 500);
        byte[] permuted = HfSynthIdTableSpectrum.Permute(scheme.Table);
        bool same = true;
        for (int i = 0; i < 200 && same; i++)
        {
            long context = random.NextInt64(long.MinValue, long.MaxValue);
            int token = random.Next(500), d = random.Next(4);
            ulong h = HfSynthIdScheme.NgramHash(context, token);
            same = scheme.GValue(context, token, d) == permuted[(int)(unchecked(h + keys[d]) & (ulong)scheme.TableMask)];
        }

        return same.Label($"table 2^{bits}");
    }

    [Property(MaxTest = 80, Replay = "(1729,4105)")]
    public Property The_exact_tail_equals_brute_force_and_the_bounds_are_above_it(int seed)
    {
        var random = new Random(seed);
        int width = random.Next(1, 7), layers = random.Next(1, 7);
        double[] py = RandomDistribution(random, width);
        double[] sum = [1.0];
        for (int d = 0; d < layers; d++)
        {
            sum = Convolve(sum, py, 1);
        }

        bool ok = true;
        string failure = "";
        for (long deficit = -1; deficit <= (layers * width) + 1 && ok; deficit++)
        {
            double brute = sum.Take((int)Math.Clamp(deficit + 1, 0, sum.Length)).Sum();
            double bound = HfSynthIdKeyNull.LogLowerTailBound(py, [(1L, (long)layers)], deficit, out double theta);
            ok &= bound >= Math.Log(brute) - 1e-12;
            if (deficit > 0)
            {
                double exact = HfSynthIdKeyNull.LogLowerTailExact(py, layers, deficit, theta);
                ok &= Math.Abs(exact - Math.Log(brute)) < 1e-9 * Math.Max(1, Math.Abs(Math.Log(brute)));
            }

            failure = $"width {width}, layers {layers}, deficit {deficit}: brute {Math.Log(brute)}, bound {bound}";
        }

        // Weighted: integer units per layer, the bound against the enumerated distribution.
        long[] units = [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => (long)random.Next(1, 5))];
        double[] weighted = [1.0];
        foreach (long u in units)
        {
            weighted = Convolve(weighted, py, (int)u);
        }

        var groups = units.GroupBy(u => u).Select(g => (g.Key, (long)g.Count())).ToList();
        for (long deficit = 0; deficit < weighted.Length && ok; deficit++)
        {
            double brute = weighted.Take((int)deficit + 1).Sum();
            double bound = HfSynthIdKeyNull.LogLowerTailBound(py, groups, deficit, out _);
            ok &= bound >= Math.Log(brute) - 1e-12;
            failure = $"units {string.Join(",", units)}, deficit {deficit}: brute {Math.Log(brute)}, bound {bound}";
        }

        return ok.Label(failure);
    }

    [Fact]
    public void Tails_far_below_1e300_are_numbers()
    {
        // 300 layers at 50 ones each out of a distribution that reaches 50 with probability 1/4096.
        double[] py = new double[51];
        py[0] = 1.0 / 4096;
        py[25] = 1 - (2.0 / 4096);
        py[50] = 1.0 / 4096;
        double bound = HfSynthIdKeyNull.LogLowerTailBound(py, [(1L, 300L)], 0, out _);
        Assert.Equal(300 * Math.Log(1.0 / 4096), bound, 9);
        double log = HfSynthIdKeyNull.LogLowerTailBound(py, [(1L, 300L)], 30, out double theta);
        double exact = HfSynthIdKeyNull.LogLowerTailExact(py, 300, 30, theta);
        Assert.True(double.IsFinite(exact) && exact / Math.Log(10) < -1000, $"{exact}");
        Assert.True(exact <= log + 1e-9);
    }

    [Fact]
    public void Random_keys_give_calibrated_p_values_on_a_fixed_stream()
    {
        const int keys = 1_000;
        var random = new Random(5);
        int[] tokens = [.. Enumerable.Range(0, 300).Select(_ => random.Next(1_000))];
        int[] below = new int[4];
        for (int k = 0; k < keys; k++)
        {
            ulong[] words = [.. Enumerable.Range(0, 30).Select(_ => (ulong)random.NextInt64())];
            var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(words), null, 1_000);
            DetectionResult mean = scheme.Detect(tokens), weighted = scheme.DetectWeighted(tokens);
            below[0] += mean.PValue <= 0.05 ? 1 : 0;
            below[1] += mean.PValue <= 0.01 ? 1 : 0;
            below[2] += weighted.PValue <= 0.05 ? 1 : 0;
            below[3] += weighted.PValue <= 0.01 ? 1 : 0;
        }

        AssertCalibrated(below, keys, exactMean: true);
    }

    [Fact]
    public void Random_streams_give_calibrated_p_values_under_the_deployed_key()
    {
        const int streams = 1_000;
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(s_referenceKeys), null, 50_000);
        var random = new Random(6);
        int[] below = new int[4];
        for (int s = 0; s < streams; s++)
        {
            int[] tokens = [.. Enumerable.Range(0, 60).Select(_ => random.Next(50_000))];
            DetectionResult mean = scheme.Detect(tokens), weighted = scheme.DetectWeighted(tokens);
            below[0] += mean.PValue <= 0.05 ? 1 : 0;
            below[1] += mean.PValue <= 0.01 ? 1 : 0;
            below[2] += weighted.PValue <= 0.05 ? 1 : 0;
            below[3] += weighted.PValue <= 0.01 ? 1 : 0;
        }

        AssertCalibrated(below, streams, exactMean: true);
    }

    [Property(MaxTest = 12, Replay = "(99991,12345)")]
    public Property Merged_and_read_back_accumulators_equal_one_over_the_concatenation(int seed)
    {
        var random = new Random(seed);
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(s_referenceKeys), null, 300);
        bool deduplicate = random.Next(2) == 0;
        var options = new DetectionOptions { Deduplicate = deduplicate };
        int[][] documents = [.. Enumerable.Range(0, random.Next(1, 8)).Select(_ => Enumerable.Range(0, random.Next(0, 80)).Select(_ => random.Next(300)).ToArray())];
        if (documents.Length > 2)
        {
            documents[^1] = documents[0];
        }

        WatermarkAccumulator all = scheme.CreateAccumulator(options);
        var parts = new[] { scheme.CreateAccumulator(options), scheme.CreateAccumulator(options), scheme.CreateAccumulator(options) };
        foreach (int[] document in documents)
        {
            all.Append(document);
            all.EndDocument();
            WatermarkAccumulator part = parts[random.Next(parts.Length)];
            part.Append(document);
            part.EndDocument();
        }

        parts[0].Merge(parts[1]);
        parts[0].Merge(parts[2]);
        using var buffer = new MemoryStream();
        parts[0].WriteTo(buffer);
        WatermarkAccumulator read = scheme.ReadAccumulator(new MemoryStream(buffer.ToArray()));
        bool same = true;
        foreach (WatermarkAccumulator candidate in new[] { parts[0], read })
        {
            DetectionResult e = all.GetResult(), a = candidate.GetResult();
            DetectionResult ew = scheme.GetWeightedResult(all), aw = scheme.GetWeightedResult(candidate);
            same &= e.ScoredTokens == a.ScoredTokens && e.GreenTokens == a.GreenTokens && e.Log10PValue == a.Log10PValue && e.Score == a.Score
                && ew.Log10PValue == aw.Log10PValue && ew.Score == aw.Score && candidate.Deduplicate == deduplicate;
        }

        return same.Label($"{documents.Length} documents, deduplicate {deduplicate}");
    }

    [Fact]
    public void State_of_earlier_releases_is_refused_with_a_reason()
    {
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(s_referenceKeys), null, 300);
        WatermarkAccumulator accumulator = scheme.CreateAccumulator();
        accumulator.Append([1, 2, 3, 4, 5, 6, 7, 8]);
        using var buffer = new MemoryStream();
        accumulator.WriteTo(buffer);
        byte[] bytes = buffer.ToArray();
        Encoding.ASCII.GetBytes("DSTLHSI1").CopyTo(bytes, 0);
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(bytes)));
        Assert.Contains("earlier release", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_ngrams_count_once_with_deduplication_and_every_time_without()
    {
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(s_referenceKeys), null, 300);
        int[] document = [.. Enumerable.Range(0, 60).Select(i => (i * 37) % 300)];
        WatermarkAccumulator once = scheme.CreateAccumulator(), twice = scheme.CreateAccumulator();
        once.Append(document);
        twice.Append(document);
        twice.EndDocument();
        twice.Append(document);
        Assert.Equal(once.GetResult().GreenTokens, twice.GetResult().GreenTokens);
        Assert.Equal(once.GetResult().Log10PValue, twice.GetResult().Log10PValue);
        Assert.Equal(2 * once.ScoredTokens, twice.ScoredTokens);

        var plain = new DetectionOptions { Deduplicate = false };
        WatermarkAccumulator repeated = scheme.CreateAccumulator(plain);
        repeated.Append(document);
        repeated.EndDocument();
        repeated.Append(document);
        Assert.Equal(2 * once.GetResult().GreenTokens, repeated.GetResult().GreenTokens);
    }

    private void AssertCalibrated(int[] below, int trials, bool exactMean)
    {
        double[] alphas = [0.05, 0.01, 0.05, 0.01];
        string counts = string.Join(", ", below.Select((b, i) => $"{(i < 2 ? "mean" : "weighted")} p <= {alphas[i]}: {b}"));
        output.WriteLine($"of {trials}: {counts}");
        for (int i = 0; i < 4; i++)
        {
            // At most Binomial(trials, alpha)'s 99.9% quantile (uniform or conservative).
            Assert.True(below[i] <= TestData.UpperQuantile(trials, alphas[i], 1e-3), counts);
        }

        if (exactMean)
        {
            // The mean test is exact, not just conservative: its rate at 0.05 is not far below 0.05 either.
            Assert.True(below[0] >= trials * 0.05 * 0.5, counts);
        }
    }

    private static double[] RandomDistribution(Random random, int width)
    {
        double[] w = [.. Enumerable.Range(0, width + 1).Select(_ => random.Next(0, 5) + 0.0)];
        w[0] += 1;
        w[width] += 1;
        double total = w.Sum();
        return [.. w.Select(x => x / total)];
    }

    private static double[] Convolve(double[] a, double[] b, int scale)
    {
        var c = new double[a.Length + ((b.Length - 1) * scale)];
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < b.Length; j++)
            {
                c[i + (j * scale)] += a[i] * b[j];
            }
        }

        return c;
    }
}
