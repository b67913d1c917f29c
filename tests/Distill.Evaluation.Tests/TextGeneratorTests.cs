using System;
using System.Linq;

namespace Distill.Evaluation.Tests;

[Collection(SharedModel.Name)]
public sealed class TextGeneratorTests
{
    private readonly ModelFixture _fixture;
    private readonly int[] _prompt;

    public TextGeneratorTests(ModelFixture fixture)
    {
        _fixture = fixture;
        _prompt = BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 32, 200).ElementAt(10).Tokens.ToArray();
    }

    private KneserNeyModel Model => _fixture.Model;

    [Fact]
    public void Temperature_zero_is_greedy_and_the_session_sees_the_model_logits()
    {
        var generator = new TextGenerator(Model);
        var session = new RecordingSession(Model.VocabularySize, snapshotLimit: 4);
        session.Reset(_prompt);
        int[] output = new int[24];

        Assert.Equal(24, generator.Generate(_prompt, output, SamplingOptions.Greedy, session));

        int[] text = [.. _prompt, .. output];
        float[] expected = new float[Model.VocabularySize];
        for (int step = 0; step < output.Length; step++)
        {
            int at = _prompt.Length + step;
            Model.GetLogProbabilities(text.AsSpan(at - 2, 2), expected);
            Assert.Equal(LogitTransforms.ArgMax(expected), output[step]);
            if (step < session.Snapshots.Count)
            {
                Assert.Equal(expected, session.Snapshots[step]);
            }
        }

        Assert.Equal(output, session.Accepted);
    }

    [Fact]
    public void A_seed_gives_the_same_tokens_and_different_seeds_give_different_tokens()
    {
        var options = new SamplingOptions { Temperature = 0.9, TopK = 40, TopP = 0.95, Seed = 5 };
        int[] first = Generate(new TextGenerator(Model), options, 48);
        int[] again = Generate(new TextGenerator(Model), options, 48);
        int[] other = Generate(new TextGenerator(Model), options with { Seed = 6 }, 48);
        int[] plain = Generate(new TextGenerator(Model), new SamplingOptions { Seed = 5 }, 48);
        int[] plainAgain = Generate(new TextGenerator(Model), new SamplingOptions { Seed = 5 }, 48);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(plain, plainAgain);
        Assert.NotEqual(plain, Generate(new TextGenerator(Model), new SamplingOptions { Seed = 7 }, 48));
        Assert.All(first.Concat(other).Concat(plain), token => Assert.True(Model.IsSeen(token)));
    }

    [Fact]
    public void The_session_processes_logits_after_temperature_and_top_k_and_before_sampling()
    {
        var generator = new TextGenerator(Model);
        var session = new RecordingSession(Model.VocabularySize, snapshotLimit: 6);
        session.Reset(_prompt);
        int[] output = new int[30];
        var options = new SamplingOptions { Temperature = 0.5, TopK = 5, Seed = 3 };

        generator.Generate(_prompt, output, options, session);

        int[] text = [.. _prompt, .. output];
        float[] model = new float[Model.VocabularySize];
        for (int step = 0; step < output.Length; step++)
        {
            int at = _prompt.Length + step;
            Model.GetLogProbabilities(text.AsSpan(at - 2, 2), model);
            float kth = model.Where(float.IsFinite).OrderDescending().ElementAt(4);
            int expectedKept = model.Count(l => l >= kth);
            Assert.Equal(expectedKept, session.FiniteCounts[step]);
            Assert.True(model[output[step]] >= kth, "sampled a truncated token");
            if (step < session.Snapshots.Count)
            {
                float[] seen = session.Snapshots[step];
                int mismatches = Enumerable.Range(0, model.Length).Count(w => seen[w] != (model[w] >= kth ? model[w] / 0.5f : float.NegativeInfinity));
                Assert.Equal(0, mismatches);
            }
        }

        // Reset, then strictly alternating ProcessLogits and Accept of the emitted token.
        string[] expectedCalls = ["R", .. output.SelectMany(t => new[] { "P", "A:" + t.ToString(System.Globalization.CultureInfo.InvariantCulture) })];
        Assert.Equal(expectedCalls, session.Calls);
        Assert.Equal(_prompt.Length + output.Length, session.Position);
    }

    [Fact]
    public void The_session_sees_the_top_p_nucleus()
    {
        var generator = new TextGenerator(Model);
        var session = new RecordingSession(Model.VocabularySize, snapshotLimit: 1);
        session.Reset(_prompt);
        generator.Generate(_prompt, new int[1], new SamplingOptions { TopP = 0.5, Seed = 1 }, session);

        // The first step's context is the prompt's end; compare with the untruncated distribution.
        float[] seen = session.Snapshots[0];
        float[] model = new float[Model.VocabularySize];
        Model.GetLogProbabilities(_prompt.AsSpan(_prompt.Length - 2), model);
        double[] kept = Enumerable.Range(0, model.Length).Where(w => float.IsFinite(seen[w])).Select(w => Math.Exp(model[w])).ToArray();
        double smallestKept = kept.Min();
        double largestRemoved = Enumerable.Range(0, model.Length).Where(w => !float.IsFinite(seen[w])).Max(w => Math.Exp(model[w]));

        Assert.True(kept.Length > 1 && kept.Length < Model.SeenTokenCount);
        Assert.True(kept.Sum() >= 0.5 - 1e-6, $"kept mass {kept.Sum()}");
        Assert.True(kept.Sum() - smallestKept < 0.5, "not the smallest set");
        Assert.True(smallestKept >= largestRemoved, "kept a less probable token than one removed");
        Assert.All(Enumerable.Range(0, model.Length).Where(w => float.IsFinite(seen[w])), w => Assert.Equal(model[w], seen[w]));
    }

    [Fact]
    public void What_the_session_writes_decides_the_token()
    {
        int forced = _fixture.Tokenizer.EncodeToIds(" the")[0];
        Assert.True(Model.IsSeen(forced));
        var generator = new TextGenerator(Model);
        foreach (SamplingOptions options in new[] { SamplingOptions.Greedy, new SamplingOptions { Seed = 9 }, new SamplingOptions { TopK = 3, Seed = 2 } })
        {
            var onlyForced = new RecordingSession(Model.VocabularySize, logits =>
            {
                float keep = float.IsNegativeInfinity(logits[forced]) ? 0 : logits[forced];
                logits.Fill(float.NegativeInfinity);
                logits[forced] = keep;
            });
            int[] output = new int[12];
            generator.Generate(_prompt, output, options, onlyForced);
            Assert.All(output, t => Assert.Equal(forced, t));
        }

        var maskAll = new RecordingSession(Model.VocabularySize, logits => logits.Fill(float.NegativeInfinity));
        Assert.Throws<InvalidOperationException>(() => generator.Generate(_prompt, new int[1], new SamplingOptions(), maskAll));
    }

    [Fact]
    public void Rejects_mismatched_sessions_and_out_of_range_prompts()
    {
        var generator = new TextGenerator(Model);
        Assert.Throws<ArgumentException>(() => generator.Generate(_prompt, new int[1], new SamplingOptions(), new RecordingSession(1000)));
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Generate([Model.VocabularySize], new int[1], new SamplingOptions()));
        Assert.Throws<ArgumentNullException>(() => generator.Generate(_prompt, new int[1], null!));
        Assert.Throws<ArgumentException>(() => generator.GenerateText(Distill.Tokenizers.TextTokenizer.Create("cl100k_base"), "x", 1, new SamplingOptions()));
    }

    [Fact]
    public void Generating_allocates_nothing_per_token()
    {
        var generator = new TextGenerator(Model);
        var options = new SamplingOptions { Temperature = 0.8, TopK = 50, TopP = 0.9, Seed = 4 };
        int[] output = new int[96];
        for (int i = 0; i < 3; i++)
        {
            generator.Generate(_prompt, output.AsSpan(0, 16), options with { Seed = (ulong)i });
            generator.Generate(_prompt, output.AsSpan(0, 16), SamplingOptions.Greedy);
        }

        // The least of three rounds: the runtime may allocate once in a while (tiered compilation);
        // a per-token allocation shows in every round.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            generator.Generate(_prompt, output, options);
            generator.Generate(_prompt, output, SamplingOptions.Greedy);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated < 192, $"{allocated} bytes for {2 * output.Length} tokens");
    }

    [Fact]
    public void Generates_text_from_a_prompt_string_and_resets_the_session_with_it()
    {
        var generator = new TextGenerator(Model);
        var session = new RecordingSession(Model.VocabularySize);
        const string prompt = "The jury said that the election";

        GeneratedText result = generator.GenerateText(_fixture.Tokenizer, prompt, 20, new SamplingOptions { Temperature = 0.7, Seed = 12 }, session);

        Assert.Equal(_fixture.Tokenizer.EncodeToIds(prompt), result.PromptTokens.ToArray());
        Assert.Equal(result.PromptTokens.ToArray(), session.LastResetPrompt);
        Assert.Equal("R", session.Calls[0]);
        Assert.Equal(20, result.Tokens.Length);
        Assert.Equal(result.Tokens.ToArray(), session.Accepted);
        Assert.Equal(_fixture.Tokenizer.Decode(result.Tokens.Span), result.Text);
        Assert.False(string.IsNullOrWhiteSpace(result.Text));

        // An empty prompt starts a document.
        GeneratedText fromStart = generator.GenerateText(_fixture.Tokenizer, string.Empty, 8, SamplingOptions.Greedy);
        Assert.Equal(0, fromStart.PromptTokens.Length);
        Assert.Equal(8, fromStart.Tokens.Length);
    }

    private int[] Generate(TextGenerator generator, SamplingOptions options, int count)
    {
        int[] output = new int[count];
        generator.Generate(_prompt, output, options);
        return output;
    }
}
