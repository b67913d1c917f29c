using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Reference;
using Distill.Statistics;
using Distill.Unigram;

namespace Distill.Tests.Reference;

public class ReferenceFilterTests
{
    private const int V = 500;

    private static readonly ReferenceCorpus s_reference = ReferenceTestData.Zipf(V);

    [Fact]
    public void A_LeftHash_pair_is_common_exactly_when_enough_reference_documents_hold_its_bigram()
    {
        // LeftHash over one token: the seed is a function of the previous token, so the pair is the bigram.
        var scheme = KgwScheme.Create(TestData.FixedKey, KgwOptions.LeftHash, V).WithReference([s_reference], 5000);
        int minimum = scheme.Descriptor.Reference!.MinimumDocuments(s_reference.Id);
        Assert.Equal(200, minimum);
        scheme = KgwScheme.Create(TestData.FixedKey, KgwOptions.LeftHash, V).WithReference([s_reference], 250);
        minimum = scheme.Descriptor.Reference!.MinimumDocuments(s_reference.Id);
        Assert.Equal(10, minimum);

        var documents = new Dictionary<(int, int), int>();
        foreach (ReadOnlyMemory<int> document in s_reference.Documents)
        {
            int[] ids = document.ToArray();
            foreach (var bigram in ids.Zip(ids.Skip(1)).Distinct())
            {
                documents[bigram] = documents.GetValueOrDefault(bigram) + 1;
            }
        }

        int[] text = ReferenceTestData.ZipfTokens(V, 3000, seed: 99);
        var scores = new TokenScore[text.Length];
        DetectionResult result = scheme.ScoreTokens(text, scores, new DetectionOptions { Deduplicate = false });
        int common = 0;
        for (int i = 1; i < text.Length; i++)
        {
            bool expected = documents.GetValueOrDefault((text[i - 1], text[i])) >= minimum;
            Assert.Equal(expected, scores[i] == TokenScore.Common);
            common += expected ? 1 : 0;
        }

        Assert.InRange(common, 300, 2700);
        Assert.Equal(common, result.SkippedCommon);
        Assert.Equal(text.Length - 1 - common, result.ScoredTokens);
        Assert.Equal((double)(text.Length - 1 - common) / (text.Length - 1), result.ScoredShare, 12);
        Assert.Equal(scheme.Descriptor.Reference, result.Reference);
    }

    [Fact]
    public void Outside_common_pairs_the_scores_are_those_of_the_unfiltered_scheme()
    {
        foreach (KgwOptions options in new[] { KgwOptions.Default, KgwOptions.LeftHash })
        {
            var plain = KgwScheme.Create(TestData.FixedKey, options, V);
            var filtered = plain.WithReference([s_reference], 250);
            int[] text = ReferenceTestData.ZipfTokens(V, 2000, seed: 7);
            var a = new TokenScore[text.Length];
            var b = new TokenScore[text.Length];
            plain.ScoreTokens(text, a, new DetectionOptions { Deduplicate = false });
            filtered.ScoreTokens(text, b, new DetectionOptions { Deduplicate = false });
            Assert.Contains(TokenScore.Common, b);
            for (int i = 0; i < text.Length; i++)
            {
                Assert.True(b[i] == TokenScore.Common || b[i] == a[i], $"{options.Seeding}: position {i} is {b[i]} filtered, {a[i]} unfiltered");
            }

            // And the accumulator, token by token, agrees with one-shot detection.
            var accumulator = filtered.CreateAccumulator();
            foreach (int token in text)
            {
                accumulator.Append(token);
            }

            DetectionResult once = filtered.Detect(text), streamed = accumulator.GetResult();
            Assert.Equal(once.SkippedCommon, streamed.SkippedCommon);
            Assert.Equal(once.ScoredTokens, streamed.ScoredTokens);
            Assert.Equal(once.Log10PValue, streamed.Log10PValue);
        }
    }

    [Theory]
    [InlineData("kgw")]
    [InlineData("kgw-lefthash")]
    [InlineData("unigram")]
    public void On_text_full_of_common_pairs_the_filtered_p_value_stays_calibrated_over_random_keys(string name)
    {
        // The exclusion reads the text, never greenness: over random keys, each scored pair is still green
        // with probability gamma, independently, so P(p <= alpha) <= alpha for any fixed text.
        const int keys = 2_000;
        var random = new Random(31);
        int below = 0;
        double size = 0;
        for (int k = 0; k < keys; k++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            var key = WatermarkKey.FromBytes(bytes);
            WatermarkScheme scheme = name switch
            {
                "kgw" => KgwScheme.Create(key, KgwOptions.Default, V),
                "kgw-lefthash" => KgwScheme.Create(key, KgwOptions.LeftHash, V),
                _ => UnigramScheme.Create(key, UnigramOptions.Default, V),
            };
            DetectionResult r = scheme.WithReference([s_reference], 250).Detect(ReferenceTestData.ZipfTokens(V, 300, seed: 1000 + k));
            below += r.Log10PValue <= -2 ? 1 : 0;
            Assert.True(r.SkippedCommon > 0);
            size += Math.Exp(Binomial.LogUpperTail(Threshold(r.ScoredTokens, r.Gamma), r.ScoredTokens, r.Gamma));
        }

        // At most the binomial 99.9% upper end of the test's exact size (which is at most 1%).
        Assert.True(size <= 0.01 * keys);
        int high = 0;
        while (Binomial.LogUpperTail(high, keys, size / keys) > Math.Log(0.001))
        {
            high++;
        }

        Assert.True(below <= high, $"{name}: {below} of {keys} at p <= 0.01 (exact size {size:F1}, upper end {high})");
    }

    [Fact]
    public void A_profile_keeps_its_filter_and_detection_needs_the_named_corpora()
    {
        var scheme = KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, V, "test").WithReference([s_reference]);
        Assert.Equal(ReferenceFilterOptions.SelfHashRate, scheme.Descriptor.Reference!.DocumentsPerMillionTokens);
        Assert.NotEqual(KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, V, "test").Descriptor.Hash, scheme.Descriptor.Hash);
        string path = Path.Combine(Path.GetTempPath(), $"distill-ref-{Guid.NewGuid():N}.distill");
        try
        {
            new WatermarkProfile(scheme.Descriptor, TestData.FixedKey).Save(path);
            WatermarkProfile profile = WatermarkProfile.Load(path);
            Assert.Equal(scheme.Descriptor.Hash, profile.Descriptor.Hash);
            Assert.Equal(scheme.Descriptor.Reference, profile.Descriptor.Reference);

            int[] text = ReferenceTestData.ZipfTokens(V, 400, seed: 5);
            Assert.Equal(scheme.Detect(text).Log10PValue, profile.CreateScheme([s_reference]).Detect(text).Log10PValue);

            // Without the corpora the scheme embeds, but detection says what it needs.
            WatermarkScheme bare = profile.CreateScheme();
            Assert.NotNull(bare.CreateSession([1, 2, 3]));
            var missing = Assert.Throws<InvalidOperationException>(() => bare.Detect(text));
            Assert.Contains(s_reference.Id.Name, missing.Message, StringComparison.Ordinal);

            // Another corpus (or another tokenization of it) is refused.
            ReferenceCorpus other = ReferenceTestData.Zipf(V, seed: 13);
            var wrong = Assert.Throws<ArgumentException>(() => profile.CreateScheme([other]));
            Assert.Contains("names", wrong.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => profile.CreateScheme([s_reference, other]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_references_and_filters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceCorpus.Create("x", [new[] { 1, 2, V }], V));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceCorpus.Create("x", [new[] { -1 }], V));
        Assert.Throws<ArgumentException>(() => ReferenceCorpus.Create("x", [Array.Empty<int>()], V));
        Assert.Throws<ArgumentException>(() => ReferenceCorpus.Create("", [new[] { 1 }], V));
        Assert.Throws<ArgumentException>(() => ReferenceCorpus.Create(new string('a', 201), [new[] { 1 }], V));

        var plain = KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, V);
        Assert.Throws<ArgumentOutOfRangeException>(() => plain.WithReference([s_reference], 0));
        Assert.Throws<ArgumentException>(() => plain.WithReference([]));
        Assert.Throws<ArgumentException>(() => plain.WithReference([s_reference, s_reference]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, 100).WithReference([s_reference]));
        Assert.Throws<NotSupportedException>(() => GumbelScheme.Create(TestData.FixedKey, GumbelOptions.Default, V).WithReference([s_reference]));
        Assert.Throws<ArgumentException>(() => new ReferenceFilterOptions { Corpora = [s_reference.Id with { Hash = "not-hex-digits!!" }] });
        Assert.Throws<ArgumentException>(() => new ReferenceFilterOptions { Corpora = [s_reference.Id with { Documents = 0 }] });

        // A descriptor that puts a filter on a scheme without green lists is refused when the scheme is made.
        SchemeDescriptor gumbel = GumbelScheme.Create(TestData.FixedKey, GumbelOptions.Default, V).Descriptor with { Reference = plain.WithReference([s_reference]).Descriptor.Reference };
        Assert.Throws<NotSupportedException>(() => new WatermarkProfile(gumbel, TestData.FixedKey).CreateScheme());

        // State written without the filter is not the filtered scheme's.
        var state = new MemoryStream();
        var accumulator = plain.CreateAccumulator();
        accumulator.Append(ReferenceTestData.ZipfTokens(V, 100, seed: 3));
        accumulator.WriteTo(state);
        state.Position = 0;
        Assert.Throws<InvalidDataException>(() => plain.WithReference([s_reference]).ReadAccumulator(state));
    }

    [Fact]
    public void Descriptors_without_a_filter_hash_as_before()
    {
        // The filter block is appended only when present: every released descriptor keeps its hash.
        var plain = KgwScheme.Create(TestData.FixedKey, KgwOptions.Default, V, "test");
        Assert.Null(plain.Descriptor.Reference);
        Assert.Equal(plain.Descriptor.Hash, (plain.WithReference([s_reference]).Descriptor with { Reference = null }).Hash);
    }

    private static long Threshold(long n, double gamma)
    {
        long k = 0;
        while (k <= n && Binomial.LogUpperTail(k, n, gamma) > Math.Log(0.01))
        {
            k++;
        }

        return k;
    }
}
