using System;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.Radioactivity;
using Distill.Tests.Contract;

namespace Distill.Tests.Radioactivity;

/// <summary>
/// The checks every scheme's radioactivity tests must pass: exact size under the null hypothesis
/// over random keys (a suspect that never saw our key, including one that copies watermarked
/// prompts or watermarked context), power against a suspect that learned the watermark, the
/// counts, the filter, and bad input. Each scheme plugs in with a small derived class.
/// </summary>
public abstract class RadioactivityContractTests
{
    private const double Alpha = 0.01;
    private const int Vocabulary = 1_000;
    private const string NoContexts = "its values depend on no context (one green list everywhere), so it has no supervised filter (its refusal is checked instead)";

    private static readonly ToyModel s_model = new(Vocabulary);

    /// <summary>Gets the number of random keys of the null calibration tests.</summary>
    protected virtual int NullKeys => 600;

    /// <summary>
    /// Gets the share of a weak student's answers drawn from the watermarked distribution. Unigram
    /// needs more: with no context, each distinct token is one scored pair, so its test can never use
    /// more pairs than the vocabulary holds.
    /// </summary>
    protected virtual int LearnedEvery => 5;

    /// <summary>Gets whether the scheme's values depend on a context (all but Unigram), so that it has a supervised filter.</summary>
    protected virtual bool HasContexts => true;

    /// <summary>
    /// Gets the mean number of tokens per key the supervised calibration must score: few of the
    /// toy model's contexts of 3 or 4 tokens recur between two samples, so the wider schemes score
    /// few tokens there (0: a key may score none, and its p-value is then 1).
    /// </summary>
    protected virtual long MinimumMeanSupervisedScored => 0;

    /// <summary>Creates the scheme under test.</summary>
    /// <param name="key">The key.</param>
    /// <param name="vocabularySize">The vocabulary size.</param>
    /// <returns>The scheme.</returns>
    protected abstract WatermarkScheme Create(WatermarkKey key, int vocabularySize);

    /// <summary>
    /// A session positioned after <paramref name="context"/>, as the teacher was when it wrote the
    /// next token: the context as the prompt (most schemes), or, for schemes whose context holds only
    /// generated tokens (vLLM), an empty prompt and the context accepted token by token.
    /// </summary>
    protected virtual WatermarkSession SessionAfter(WatermarkScheme scheme, int[] context) => scheme.CreateSession(context);

    /// <summary>
    /// A session for a watermarked text with <paramref name="prompt"/>; schemes whose sessions draw at
    /// random (vLLM's dual-key routing) override it with a fixed draw, so that every run of the
    /// contract scores the same texts.
    /// </summary>
    protected virtual WatermarkSession NewSession(WatermarkScheme scheme, int[] prompt) => scheme.CreateSession(prompt);

    [Fact]
    public void Closed_model_p_values_are_calibrated_over_random_keys()
    {
        // A suspect that never saw the key: the same unwatermarked outputs under every key.
        int[][] outputs = NullOutputs(new Random(3), 20, 100);
        AssertCalibrated(k =>
        {
            var test = new ClosedModelTest(Create(TestData.KeyFor(5_000 + k), Vocabulary));
            foreach (int[] output in outputs)
            {
                test.AddOutput(output);
            }

            return test.GetResult();
        });
    }

    [Fact]
    public void A_suspect_copying_watermarked_prompts_is_not_radioactive_once_prompts_are_excluded()
    {
        // The suspect never trained on our text, but its prompts are watermarked with the key and
        // its answers quote them: without prompt exclusion it looks radioactive.
        int keys = NullKeys / 3;
        int withoutExclusion = 0;
        AssertCalibrated(
            k =>
            {
                WatermarkScheme scheme = Create(TestData.KeyFor(6_000 + k), Vocabulary);
                var random = new Random(k);
                var prompts = new int[8][];
                var answers = new int[8][];
                for (int p = 0; p < prompts.Length; p++)
                {
                    prompts[p] = s_model.Generate([p, p + 1], 60, random, NewSession(scheme, [p, p + 1]));
                    answers[p] = [.. s_model.Generate(prompts[p].AsSpan(58), 20, random, null), .. prompts[p][10..50], .. s_model.Generate(prompts[p].AsSpan(58), 20, random, null)];
                }

                var excluded = new ClosedModelTest(scheme);
                var naive = new ClosedModelTest(scheme);
                foreach (int[] prompt in prompts)
                {
                    excluded.AddPrompt(prompt);
                }

                foreach (int[] answer in answers)
                {
                    excluded.AddOutput(answer);
                    naive.AddOutput(answer);
                }

                withoutExclusion += naive.GetResult().IsSignificant(Alpha) ? 1 : 0;
                RadioactivityResult result = excluded.GetResult();
                Assert.True(result.ExcludedByPrompt > 0, "the quoted prompt contexts are excluded");
                return result;
            },
            keys);

        // The same answers without the prompts test positive under most keys.
        Assert.True(withoutExclusion > keys / 2, $"without prompt exclusion only {withoutExclusion} of {keys} keys tested positive");
    }

    [Fact]
    public void A_suspect_that_learned_the_watermark_is_radioactive_and_another_key_sees_nothing()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, Vocabulary);
        var random = new Random(11);
        var test = new ClosedModelTest(scheme);
        var other = new ClosedModelTest(Create(TestData.KeyFor(77), Vocabulary));
        int[][] prompts = [.. Enumerable.Range(0, 20).Select(d => new[] { d, d + 3 })];
        foreach (int[] prompt in prompts)
        {
            test.AddPrompt(prompt);
            other.AddPrompt(prompt);
        }

        for (int d = 0; d < prompts.Length; d++)
        {
            // A weak student: one answer in LearnedEvery comes from the watermarked distribution.
            int[] output = s_model.Generate(prompts[d], 100, random, d % LearnedEvery == 0 ? NewSession(scheme, prompts[d]) : null);
            test.AddOutput(output);
            other.AddOutput(output);
        }

        RadioactivityResult result = test.GetResult();
        Assert.True(result.Log10PValue < -4.0, result.ToString());
        Assert.True(other.GetResult().Log10PValue > -3.0, other.GetResult().ToString());
    }

    [Fact]
    public void Open_model_p_values_are_calibrated_even_for_a_suspect_that_copies_its_context()
    {
        // Our texts are watermarked with the key; the suspect never saw the key. One suspect copies
        // what followed the current context earlier in the text (as models do in context), which
        // would fake a positive if scored.
        // A third predicts the model's most likely token, which the watermark often chose too: the
        // text reveals those pairs' values, so they are not scored.
        int keys = NullKeys / 3;
        var copier = new CopyingPredictor(s_model);
        var likeTheTeacher = new Predictor(context => s_model.Argmax(context, null));
        foreach (INextTokenPredictor suspect in new INextTokenPredictor[] { copier, likeTheTeacher })
        {
            AssertCalibrated(
                k =>
                {
                    WatermarkScheme scheme = Create(TestData.KeyFor(7_000 + k), Vocabulary);
                    var random = new Random(k);
                    var test = new OpenModelTest(scheme);
                    for (int d = 0; d < 4; d++)
                    {
                        int[] text = s_model.Generate([d], 80, random, NewSession(scheme, [d]));
                        test.AddText(text, suspect);
                    }

                    return test.GetResult();
                },
                keys);
        }
    }

    [Fact]
    public void Open_model_test_finds_a_suspect_that_learned_the_watermark()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, Vocabulary);
        var random = new Random(12);
        var learned = new OpenModelTest(scheme);
        var unrelated = new OpenModelTest(scheme);
        // The student learned the watermark, but not the teacher's model exactly (flatter logits), so
        // its predictions are not all the tokens our texts contain (those are not scored).
        var student = new Predictor(context => s_model.Argmax(context, SessionAfter(scheme, context), 0.5f));
        var plain = new Predictor(context => s_model.Argmax(context, null));
        for (int d = 0; d < 6; d++)
        {
            int[] text = s_model.Generate([d, 1], 100, random, NewSession(scheme, [d, 1]));
            learned.AddText(text, student);
            unrelated.AddText(text, plain);
        }

        Assert.True(learned.GetResult().Log10PValue < -4.0, learned.GetResult().ToString());
        Assert.True(unrelated.GetResult().Log10PValue > -3.0, unrelated.GetResult().ToString());
    }

    [Fact]
    public void Counts_add_up_and_duplicates_are_scored_once()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, Vocabulary);
        int[][] outputs = NullOutputs(new Random(4), 5, 80);
        var once = new ClosedModelTest(scheme);
        var twice = new ClosedModelTest(scheme);
        foreach (int[] output in outputs)
        {
            once.AddOutput(output);
            twice.AddOutput(output);
            twice.AddOutput(output);
        }

        RadioactivityResult a = once.GetResult(), b = twice.GetResult();
        AssertCountsAddUp(a);
        AssertCountsAddUp(b);
        Assert.Equal(a.ScoredTokens, b.ScoredTokens);
        Assert.Equal(a.Score, b.Score);
        Assert.Equal(a.Log10PValue, b.Log10PValue);
        Assert.Equal(2 * a.TokenCount, b.TokenCount);

        var noDedup = new ClosedModelTest(scheme, new RadioactivityOptions { Deduplicate = false });
        foreach (int[] output in outputs)
        {
            noDedup.AddOutput(output);
            noDedup.AddOutput(output);
        }

        Assert.Equal(0, noDedup.GetResult().Duplicates);
        Assert.Equal(b.TokenCount - b.SkippedPrefix, noDedup.GetResult().ScoredTokens);
    }

    [Fact]
    public void Without_deduplication_a_repetitive_suspect_looks_radioactive()
    {
        // Why deduplication is on by default: the same outputs, repeated 30 times (a suspect that
        // repeats itself), give an invalid, often tiny p-value under some keys without it.
        int[][] outputs = NullOutputs(new Random(5), 4, 60);
        int keys = 200, fooledPlain = 0, fooledDedup = 0;
        for (int k = 0; k < keys; k++)
        {
            WatermarkScheme scheme = Create(TestData.KeyFor(8_000 + k), Vocabulary);
            var plain = new ClosedModelTest(scheme, new RadioactivityOptions { Deduplicate = false });
            var dedup = new ClosedModelTest(scheme);
            for (int r = 0; r < 30; r++)
            {
                foreach (int[] output in outputs)
                {
                    plain.AddOutput(output);
                    dedup.AddOutput(output);
                }
            }

            fooledPlain += plain.GetResult().IsSignificant(1e-3) ? 1 : 0;
            fooledDedup += dedup.GetResult().IsSignificant(1e-3) ? 1 : 0;
        }

        Assert.True(fooledPlain > 10, $"{fooledPlain} of {keys} keys fooled without deduplication");
        Assert.True(fooledDedup <= TestData.UpperQuantile(keys, 1e-3, 1e-3), $"{fooledDedup} of {keys} keys fooled with deduplication");
    }

    [ContractFact(nameof(HasContexts), true, NoContexts)]
    public void Supervised_closed_model_p_values_are_calibrated_over_random_keys()
    {
        // The filter comes from our watermarked outputs under each key; the suspect, which never saw
        // the key, writes the same unwatermarked outputs under every key, with the same model.
        int[][] outputs = NullOutputs(new Random(8), 20, 100);
        AssertCalibrated(
            k =>
            {
                WatermarkScheme scheme = Create(TestData.KeyFor(9_000 + k), Vocabulary);
                var random = new Random(k);
                ContextFilter filter = ContextFilter.Create(scheme, Enumerable.Range(0, 10).Select(d => (ReadOnlyMemory<int>)s_model.Generate([d % 7], 100, random, NewSession(scheme, [d % 7]))));
                var test = new ClosedModelTest(scheme, new RadioactivityOptions { Filter = filter });
                foreach (int[] output in outputs)
                {
                    test.AddOutput(output);
                }

                return test.GetResult();
            },
            NullKeys / 2,
            MinimumMeanSupervisedScored);
    }

    [ContractFact(nameof(HasContexts), false, "its values depend on a context, so it has a supervised filter (checked by the round-trip test)")]
    public void Without_contexts_the_supervised_filter_is_refused()
    {
        // One green list everywhere: a filter of our tokens would select by greenness.
        WatermarkScheme scheme = Create(TestData.FixedKey, Vocabulary);
        var random = new Random(13);
        int[][] ours = [.. Enumerable.Range(0, 6).Select(d => s_model.Generate([d, 2], 80, random, NewSession(scheme, [d, 2])))];
        Assert.False(ContextFilter.Supports(scheme));
        Assert.Throws<NotSupportedException>(() => ContextFilter.Create(scheme, ours.Select(o => (ReadOnlyMemory<int>)o)));
    }

    [ContractFact(nameof(HasContexts), true, NoContexts)]
    public void The_supervised_filter_scores_only_our_contexts_and_round_trips()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, Vocabulary);
        var random = new Random(13);
        int[][] ours = [.. Enumerable.Range(0, 6).Select(d => s_model.Generate([d, 2], 80, random, NewSession(scheme, [d, 2])))];
        Assert.True(ContextFilter.Supports(scheme));
        ContextFilter filter = ContextFilter.Create(scheme, ours.Select(o => (ReadOnlyMemory<int>)o));
        Assert.True(filter.Count > 0);

        // A suspect whose outputs contain ours among unrelated text: the filter drops the rest.
        int[][] outputs = [.. ours.Take(3), .. NullOutputs(new Random(6), 6, 80)];
        var supervised = new ClosedModelTest(scheme, new RadioactivityOptions { Filter = filter });
        var unsupervised = new ClosedModelTest(scheme);
        foreach (int[] output in outputs)
        {
            supervised.AddOutput(output);
            unsupervised.AddOutput(output);
        }

        RadioactivityResult s = supervised.GetResult(), u = unsupervised.GetResult();
        AssertCountsAddUp(s);
        Assert.True(s.OutsideFilter > 0);
        Assert.True(s.ScoredTokens < u.ScoredTokens);
        Assert.True(s.Log10PValue <= u.Log10PValue, $"supervised {s}, unsupervised {u}");

        // Round trip: the same contexts, the same result.
        using var buffer = new MemoryStream();
        filter.WriteTo(buffer);
        byte[] bytes = buffer.ToArray();
        ContextFilter read = ContextFilter.ReadFrom(new MemoryStream(bytes), scheme);
        Assert.Equal(filter.Count, read.Count);
        var again = new ClosedModelTest(scheme, new RadioactivityOptions { Filter = read });
        foreach (int[] output in outputs)
        {
            again.AddOutput(output);
        }

        Assert.Equal(s.ToString(), again.GetResult().ToString());

        // Every flipped byte and every truncation is refused.
        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x10;
            Exception e = Assert.ThrowsAny<Exception>(() => ContextFilter.ReadFrom(new MemoryStream(corrupt), scheme));
            Assert.True(e is InvalidDataException or DescriptorMismatchException, $"byte {i}: {e.GetType().Name}");
        }

        for (int length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 50))
        {
            Assert.Throws<InvalidDataException>(() => ContextFilter.ReadFrom(new MemoryStream(bytes[..length]), scheme));
        }

        // Another key's filter is refused, by the reader and by the tests.
        WatermarkScheme another = Create(TestData.KeyFor(5), Vocabulary);
        Assert.Throws<DescriptorMismatchException>(() => ContextFilter.ReadFrom(new MemoryStream(bytes), another));
        Assert.Throws<DescriptorMismatchException>(() => new ClosedModelTest(another, new RadioactivityOptions { Filter = filter }));
        Assert.Throws<DescriptorMismatchException>(() => new OpenModelTest(another, new RadioactivityOptions { Filter = filter }));
    }

    [Fact]
    public void Bad_input_is_refused_and_changes_nothing()
    {
        WatermarkScheme scheme = Create(TestData.FixedKey, Vocabulary);
        var test = new ClosedModelTest(scheme);
        int[] output = NullOutputs(new Random(7), 1, 50)[0];
        test.AddPrompt([1, 2, 3, 4, 5, 6, 7]);
        test.AddOutput(output);
        string before = test.GetResult().ToString();

        Assert.Throws<ArgumentOutOfRangeException>(() => test.AddOutput([1, 2, 3, 4, 5, 6, Vocabulary]));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.AddOutput([1, 2, -1, 4, 5, 6, 7]));
        Assert.Throws<InvalidOperationException>(() => test.AddPrompt([1, 2, 3]));
        Assert.Equal(before, test.GetResult().ToString());

        var open = new OpenModelTest(scheme);
        open.AddText(output, new Predictor(c => c.Length > 0 ? c[^1] : 0));
        string openBefore = open.GetResult().ToString();
        Assert.Throws<ArgumentOutOfRangeException>(() => open.AddText(output, new Predictor(c => c.Length == 30 ? Vocabulary : 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => open.AddText([1, 2, 3, 4, 5, 6, 7, 8, Vocabulary + 5], new Predictor(c => 0)));
        Assert.Throws<ArgumentNullException>(() => open.AddText(output, null!));
        Assert.Equal(openBefore, open.GetResult().ToString());

        Assert.Throws<ArgumentNullException>(() => new ClosedModelTest(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadioactivityOptions { MinimumScoredTokens = 0 });

        // An empty corpus is a result with no evidence, not an error.
        RadioactivityResult empty = new ClosedModelTest(scheme).GetResult();
        Assert.Equal(DetectionStatus.InsufficientTokens, empty.Status);
        Assert.Equal(0.0, empty.Log10PValue);
        Assert.False(empty.IsSignificant(0.5));
    }

    /// <summary>Unwatermarked outputs of the toy model: what a suspect that never saw the key writes.</summary>
    protected static int[][] NullOutputs(Random random, int count, int length) =>
        [.. Enumerable.Range(0, count).Select(d => s_model.Generate([d % 7], length, random, null))];

    private static void AssertCountsAddUp(RadioactivityResult r) =>
        Assert.Equal(r.TokenCount, r.SkippedPrefix + r.ExcludedByPrompt + r.ExcludedRevealed + r.OutsideFilter + r.Duplicates + r.ScoredTokens);

    private void AssertCalibrated(Func<int, RadioactivityResult> run, int? keys = null, long? minimumMeanScored = null)
    {
        int n = keys ?? NullKeys, below = 0;
        double smallest = 0.0;
        long scored = 0;
        for (int k = 0; k < n; k++)
        {
            RadioactivityResult result = run(k);
            scored += result.ScoredTokens;
            Assert.True(minimumMeanScored is not null || result.Status == DetectionStatus.Scored, $"key {k}: {result}");
            AssertCountsAddUp(result);
            below += result.IsSignificant(Alpha) ? 1 : 0;
            smallest = Math.Min(smallest, result.Log10PValue);
        }

        // The count of p <= alpha over random keys is at most Binomial(keys, alpha) for a valid test.
        int limit = TestData.UpperQuantile(n, Alpha, 1e-3);
        Assert.True(below <= limit, $"{below} of {n} keys gave p <= {Alpha} (limit {limit}); smallest log10 p {smallest:F2}");
        Assert.True(smallest > -5.0, $"a null run reached log10 p = {smallest:F2}");
        Assert.True(scored >= (minimumMeanScored ?? 1) * n, $"only {scored} tokens scored over {n} keys");
    }

    private sealed class Predictor(Func<int[], int> predict) : INextTokenPredictor
    {
        public int PredictNextToken(ReadOnlySpan<int> context) => predict(context.ToArray());
    }

    /// <summary>Predicts what followed the last two tokens earlier in the context, else the model's argmax.</summary>
    private sealed class CopyingPredictor(ToyModel model) : INextTokenPredictor
    {
        public int PredictNextToken(ReadOnlySpan<int> context)
        {
            if (context.Length >= 3)
            {
                for (int j = context.Length - 2; j >= 2; j--)
                {
                    if (context[j - 2] == context[^2] && context[j - 1] == context[^1])
                    {
                        return context[j];
                    }
                }
            }

            return model.Argmax(context, null);
        }
    }
}
