using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Distill.Detection;

namespace Distill.Tests.Contract;

/// <summary>
/// The checks every watermark scheme must pass behind the <see cref="WatermarkScheme"/> contract
/// (the System.IO.Hashing test-driver pattern): each scheme plugs in with a small derived class.
/// </summary>
/// <remarks>
/// Scheme-specific facts (golden vectors, known answers of its pseudo-random function, SIMD against
/// scalar) live beside each scheme's own tests. Everything here is deterministic: fixed seeds, keys
/// from <see cref="TestData.KeyFor(int)"/>.
/// </remarks>
public abstract partial class SchemeContractTests
{
    /// <summary>Gets the scheme's name in descriptors.</summary>
    protected abstract string SchemeName { get; }

    /// <summary>Gets the vocabulary size of the tests (small, so that many keys stay cheap).</summary>
    protected virtual int VocabularySize => 1_000;

    /// <summary>Gets the number of random keys of the null calibration test.</summary>
    protected virtual int NullKeys => 2_000;

    /// <summary>Gets the length of the null token stream.</summary>
    protected virtual int NullLength => 200;

    /// <summary>Gets the significance level whose rate the null calibration test checks.</summary>
    protected virtual double CalibrationAlpha => 0.01;

    /// <summary>Gets the base-10 logarithm of the p-value that 200 strongly watermarked tokens must reach.</summary>
    protected virtual double PowerLog10Threshold => -6.0;

    /// <summary>Gets whether sessions of one scheme, reset with the same prompt, process logits identically.</summary>
    protected virtual bool SessionsAreDeterministic => true;

    /// <summary>Gets whether, over random keys, a session's output distribution is the model's (Gumbel-max, SynthID two-leaf, EXP-edit).</summary>
    protected virtual bool IsDistortionFree => false;

    /// <summary>Gets the number of keys of the distortion test.</summary>
    protected virtual int DistortionDraws => 20_000;

    /// <summary>Creates the scheme under test.</summary>
    /// <param name="key">The key.</param>
    /// <param name="vocabularySize">The vocabulary size.</param>
    /// <returns>The scheme.</returns>
    protected abstract WatermarkScheme Create(WatermarkKey key, int vocabularySize);

    /// <summary>Creates the scheme a profile file describes (the scheme's own FromDescriptor through the profile).</summary>
    /// <param name="profile">The loaded profile.</param>
    /// <returns>The scheme.</returns>
    protected virtual WatermarkScheme FromProfile(WatermarkProfile profile) => profile.CreateScheme();

    /// <summary>Gets the key the scheme made from <paramref name="key"/> names (interop schemes map test keys to integer keys).</summary>
    /// <param name="key">The key given to <see cref="Create"/>.</param>
    /// <returns>The key the descriptor must name.</returns>
    protected virtual WatermarkKey SchemeKey(WatermarkKey key) => key;

    [Fact]
    public void Descriptor_names_the_scheme_and_the_key()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        Assert.Equal(SchemeName, scheme.Descriptor.Scheme);
        Assert.Equal(SchemeKey(TestData.FixedKey).KeyId, scheme.Descriptor.KeyId);
        Assert.Equal(VocabularySize, scheme.VocabularySize);
        Assert.NotEqual(scheme.Descriptor.Hash, Create(TestData.KeyFor(1), VocabularySize).Descriptor.Hash);
        Assert.Equal(scheme.Descriptor.Hash, Create(TestData.FixedKey, VocabularySize).Descriptor.Hash);
    }

    [Fact]
    public void Null_p_values_are_calibrated_over_random_keys()
    {
        int[] tokens = NullTokens(new Random(7), NullLength);
        int below = 0;
        double smallest = 0;
        for (int k = 0; k < NullKeys; k++)
        {
            DetectionResult result = Create(TestData.KeyFor(1_000 + k), VocabularySize).Detect(tokens);
            Assert.True(result.Log10PValue <= 0 && !double.IsNaN(result.Log10PValue), $"key {k}: log10 p = {result.Log10PValue}");
            below += result.Log10PValue <= Math.Log10(CalibrationAlpha) ? 1 : 0;
            smallest = Math.Min(smallest, result.Log10PValue);
        }

        // For a random key the test's size is at most alpha: the count of p <= alpha is at most
        // Binomial(keys, alpha), so it stays below that distribution's 99.9% quantile.
        int limit = TestData.UpperQuantile(NullKeys, CalibrationAlpha, 1e-3);
        Assert.True(below <= limit, $"{below} of {NullKeys} keys gave p <= {CalibrationAlpha} (limit {limit}); smallest log10 p {smallest:F2}");
        Assert.True(smallest > -6.0, $"a null stream reached log10 p = {smallest:F2}");
    }

    [Fact]
    public void Watermarked_tokens_are_detected()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        for (int seed = 0; seed < 3; seed++)
        {
            int[] tokens = Sample(scheme, new Random(seed), 200);
            DetectionResult result = scheme.Detect(tokens);
            Assert.Equal(DetectionStatus.Scored, result.Status);
            Assert.True(result.Log10PValue <= PowerLog10Threshold, $"seed {seed}: {result}");

            // Another key sees nothing special.
            DetectionResult other = Create(TestData.KeyFor(99), VocabularySize).Detect(tokens);
            Assert.True(other.Log10PValue > -4.0, $"seed {seed}, other key: {other}");
        }
    }

    [Fact]
    public void Masked_logits_stay_masked()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        var random = new Random(3);
        WatermarkSession session = scheme.CreateSession(NullTokens(random, 8));
        var logits = new float[VocabularySize];
        for (int step = 0; step < 50; step++)
        {
            for (int i = 0; i < logits.Length; i++)
            {
                logits[i] = i % 3 == step % 3 ? float.NegativeInfinity : (float)(random.NextDouble() * 4.0);
            }

            bool[] masked = logits.Select(float.IsNegativeInfinity).ToArray();
            session.ProcessLogits(logits);
            for (int i = 0; i < logits.Length; i++)
            {
                Assert.False(float.IsNaN(logits[i]) || float.IsPositiveInfinity(logits[i]), $"step {step}: logit {i} is {logits[i]}");
                if (masked[i])
                {
                    Assert.True(float.IsNegativeInfinity(logits[i]), $"step {step}: masked token {i} became {logits[i]}");
                }
            }

            int token = Draw(logits, random);
            Assert.False(masked[token]);
            session.Accept(token);
        }
    }

    [Fact]
    public void Bad_logits_are_refused_and_left_unchanged()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        var random = new Random(4);
        WatermarkSession session = scheme.CreateSession(NullTokens(random, 8));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            float[] logits = RandomLogits(random, VocabularySize);
            logits[VocabularySize / 2] = bad;
            float[] before = (float[])logits.Clone();
            Assert.ThrowsAny<ArgumentException>(() => session.ProcessLogits(logits));
            Assert.Equal(before, logits);
        }

        foreach (int length in new[] { 0, VocabularySize - 1, VocabularySize + 1 })
        {
            float[] logits = RandomLogits(random, length);
            float[] before = (float[])logits.Clone();
            Assert.ThrowsAny<ArgumentException>(() => session.ProcessLogits(logits));
            Assert.Equal(before, logits);
        }

        // The session still works and behaves as if nothing had happened.
        float[] good = RandomLogits(random, VocabularySize);
        session.ProcessLogits(good);
        Assert.Contains(good, float.IsFinite);
    }

    [Fact]
    public void Out_of_range_tokens_are_refused()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int v = VocabularySize;
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect([1, 2, -1, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect([1, 2, v, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Localize([v]));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([0, v]));
        WatermarkSession session = scheme.CreateSession([1, 2, 3, 4]);
        long position = session.Position;
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(v));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Reset([int.MinValue]));
        Assert.Equal(position, session.Position);
        WatermarkAccumulator accumulator = scheme.CreateAccumulator();
        accumulator.Append([1, 2, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Append([4, v]));
        Assert.Equal(3, accumulator.TokenCount);
    }

    [Fact]
    public void Too_few_tokens_give_an_insufficient_result_not_an_error()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        DetectionResult empty = scheme.Detect([]);
        Assert.Equal(DetectionStatus.InsufficientTokens, empty.Status);
        Assert.Equal(0.0, empty.Log10PValue);
        Assert.False(empty.IsWatermarked(0.5));
    }

    [ContractFact(nameof(SessionsAreDeterministic), true, "its sessions draw fresh randomness (a routing seed or a key shift) when created or reset, so no two sessions are meant to be equal")]
    public void A_reset_session_equals_a_fresh_one()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        var random = new Random(5);
        int[] prompt1 = NullTokens(random, 6), prompt2 = NullTokens(random, 6);
        WatermarkSession reused = scheme.CreateSession(prompt1);
        Sample(reused, new Random(11), 40);
        reused.Reset(prompt2);
        Assert.Equal(prompt2.Length, reused.Position);
        int[] a = Sample(reused, new Random(12), 60);
        int[] b = Sample(scheme.CreateSession(prompt2), new Random(12), 60);
        Assert.Equal(b, a);
    }

    [Fact]
    public void A_shared_scheme_gives_the_same_results_on_every_thread()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int[][] streams = Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? Sample(scheme, new Random(i), 120) : NullTokens(new Random(i), 120)).ToArray();
        double[] sequential = streams.Select(s => scheme.Detect(s).Log10PValue).ToArray();
        var parallel = new double[streams.Length];
        var sampled = new int[streams.Length][];
        Parallel.For(0, streams.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int s = i % streams.Length;
            parallel[s] = scheme.Detect(streams[s]).Log10PValue;
            if (SessionsAreDeterministic && i < streams.Length)
            {
                sampled[s] = Sample(scheme, new Random(1_000 + s), 30);
            }
        });
        Assert.Equal(sequential, parallel);
        if (SessionsAreDeterministic)
        {
            for (int s = 0; s < streams.Length; s++)
            {
                Assert.Equal(Sample(scheme, new Random(1_000 + s), 30), sampled[s]);
            }
        }
    }

    [Fact]
    public void Streaming_accumulation_equals_detection()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int[] tokens = Sample(scheme, new Random(21), 150);
        DetectionResult once = scheme.Detect(tokens);
        WatermarkAccumulator accumulator = scheme.CreateAccumulator();
        accumulator.Append(tokens.AsSpan(0, 37));
        accumulator.Append(tokens[37]);
        accumulator.Append(tokens.AsSpan(38));
        DetectionResult streamed = accumulator.GetResult();
        Assert.Equal(once.TokenCount, streamed.TokenCount);
        Assert.Equal(once.ScoredTokens, streamed.ScoredTokens);
        Assert.Equal(once.Score, streamed.Score, 9);
        Assert.Equal(once.Log10PValue, streamed.Log10PValue, 9);
    }

    [Fact]
    public void Merged_accumulators_equal_one_accumulator()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int[][] documents = Enumerable.Range(0, 6).Select(i => i % 3 == 0 ? NullTokens(new Random(30 + i), 80) : Sample(scheme, new Random(30 + i), 80)).ToArray();
        documents[5] = documents[1];
        WatermarkAccumulator all = scheme.CreateAccumulator(), left = scheme.CreateAccumulator(), right = scheme.CreateAccumulator();
        for (int i = 0; i < documents.Length; i++)
        {
            all.Append(documents[i]);
            all.EndDocument();
            WatermarkAccumulator side = i % 2 == 0 ? left : right;
            side.Append(documents[i]);
            side.EndDocument();
        }

        left.Merge(right);
        DetectionResult expected = all.GetResult(), actual = left.GetResult();
        Assert.Equal(expected.TokenCount, actual.TokenCount);
        Assert.Equal(expected.ScoredTokens, actual.ScoredTokens);
        Assert.Equal(expected.Score, actual.Score, 9);
        Assert.Equal(expected.Log10PValue, actual.Log10PValue, 9);
        Assert.Throws<ArgumentException>(() => left.Merge(left));
        Assert.Throws<DescriptorMismatchException>(() => left.Merge(Create(TestData.KeyFor(5), VocabularySize).CreateAccumulator()));
    }

    [Fact]
    public void Accumulator_state_round_trips_and_corruption_is_refused()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        WatermarkAccumulator accumulator = scheme.CreateAccumulator();
        accumulator.Append(Sample(scheme, new Random(40), 100));
        accumulator.EndDocument();
        accumulator.Append(NullTokens(new Random(41), 100));
        using var buffer = new MemoryStream();
        accumulator.WriteTo(buffer);
        byte[] bytes = buffer.ToArray();

        WatermarkAccumulator read = scheme.ReadAccumulator(new MemoryStream(bytes));
        Assert.Equal(accumulator.GetResult().Log10PValue, read.GetResult().Log10PValue, 12);
        Assert.Equal(accumulator.GetResult().ScoredTokens, read.GetResult().ScoredTokens);

        for (int i = 0; i < bytes.Length; i += Math.Max(1, bytes.Length / 23))
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x20;
            Assert.ThrowsAny<Exception>(() => scheme.ReadAccumulator(new MemoryStream(corrupt)));
            Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(corrupt)));
        }

        Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(bytes[..^1])));
        Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(bytes[..(bytes.Length / 2)])));
        Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream([])));
        Assert.Throws<DescriptorMismatchException>(() => Create(TestData.KeyFor(6), VocabularySize).ReadAccumulator(new MemoryStream(bytes)));
    }

    [Fact]
    public void A_profile_round_trips_to_the_same_scheme()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        string path = Path.Combine(Path.GetTempPath(), $"distill-contract-{SchemeName}-{Guid.NewGuid():N}.distill");
        try
        {
            new WatermarkProfile(scheme.Descriptor, SchemeKey(TestData.FixedKey)).Save(path);
            WatermarkScheme loaded = FromProfile(WatermarkProfile.Load(path));
            Assert.Equal(scheme.GetType(), loaded.GetType());
            Assert.Equal(scheme.Descriptor.Hash, loaded.Descriptor.Hash);
            int[] tokens = Sample(scheme, new Random(50), 100);
            Assert.Equal(scheme.Detect(tokens).Log10PValue, loaded.Detect(tokens).Log10PValue);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Localization_finds_a_watermarked_block_in_unwatermarked_tokens()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int[] before = NullTokens(new Random(60), 300), after = NullTokens(new Random(61), 300);
        int[] marked = Sample(scheme, new Random(62), 200);
        int[] tokens = [.. before, .. marked, .. after];
        LocalizationResult located = scheme.Localize(tokens);
        Assert.NotEmpty(located.Spans);
        WatermarkedSpan best = located.Spans[0];
        Assert.True(best.Start < 500 && best.End > 300, $"span {best.Start}..{best.End}");
        Assert.True(best.Log10PValue <= Math.Log10(LocalizationOptions.Default.Alpha));

        Assert.Empty(scheme.Localize(NullTokens(new Random(63), 800)).Spans);
    }

    [ContractFact(nameof(IsDistortionFree), true, "it biases the model's distribution by design (green lists), so there is no distortion-free property to check")]
    public void Sampled_tokens_follow_the_model_over_random_keys()
    {
        const int v = 16;
        float[] model = new float[v];
        for (int i = 0; i < v; i++)
        {
            model[i] = i == 5 ? float.NegativeInfinity : (float)(Math.Log(1.0 + i) - (0.25 * i));
        }

        double[] expected = Softmax(model);
        var counts = new long[v];
        var random = new Random(70);
        int[] prompt = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0];
        var logits = new float[v];
        for (int k = 0; k < DistortionDraws; k++)
        {
            WatermarkSession session = Create(TestData.KeyFor(100_000 + k), v).CreateSession(prompt);
            model.CopyTo(logits, 0);
            session.ProcessLogits(logits);
            counts[Draw(logits, random)]++;
        }

        Assert.Equal(0, counts[5]);
        double chi = 0;
        int cells = 0;
        for (int i = 0; i < v; i++)
        {
            if (expected[i] > 0)
            {
                double e = expected[i] * DistortionDraws;
                chi += (counts[i] - e) * (counts[i] - e) / e;
                cells++;
            }
        }

        // Chi-square with cells - 1 = 14 degrees of freedom: the 0.999 quantile is 36.12, so a
        // distortion-free scheme fails this test with probability 1e-3.
        Assert.Equal(15, cells);
        Assert.True(chi < 36.12, $"chi-square {chi:F1} over {DistortionDraws} keys; counts {string.Join(",", counts)}");
    }

    /// <summary>Token streams with the skew of text: frequent ids recur, which exercises deduplication.</summary>
    protected int[] NullTokens(Random random, int count)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = (int)(VocabularySize * Math.Pow(random.NextDouble(), 2.0));
        }

        return tokens;
    }

    /// <summary>Samples watermarked tokens through a new session over random peaked distributions (a stand-in for a model).</summary>
    protected static int[] Sample(WatermarkScheme scheme, Random random, int count) => TestData.Sample(scheme, random, count);

    /// <summary>Samples tokens through a session (see <see cref="TestData.Sample(WatermarkSession, Random, int)"/>).</summary>
    protected static int[] Sample(WatermarkSession session, Random random, int count) => TestData.Sample(session, random, count);

    private static float[] RandomLogits(Random random, int length)
    {
        var logits = new float[length];
        for (int i = 0; i < length; i++)
        {
            logits[i] = (float)(random.NextDouble() * 4.0);
        }

        return logits;
    }

    private static double[] Softmax(float[] logits)
    {
        double max = logits.Max();
        double[] p = logits.Select(l => float.IsNegativeInfinity(l) ? 0.0 : Math.Exp(l - max)).ToArray();
        double sum = p.Sum();
        return p.Select(x => x / sum).ToArray();
    }

    private static int Draw(float[] logits, Random random) => TestData.SoftmaxSample(logits, random);
}
