using System;
using System.IO;
using System.Linq;
using Distill.Detection;
using FsCheck.Xunit;

namespace Distill.Tests.Contract;

/// <summary>
/// Bad input at every public entry point of the contract: the base classes validate it once, so
/// every scheme must throw the documented exception before it changes anything.
/// </summary>
public abstract partial class SchemeContractTests
{
    [Property(MaxTest = 20, Replay = "(20261205,1415)")]
    public void Bad_input_throws_the_documented_exception_and_changes_nothing(int seed)
    {
        var random = new Random(seed);
        WatermarkScheme scheme = Create(TestData.FixedKey, VocabularySize);
        int v = VocabularySize;
        int[] prompt = NullTokens(random, random.Next(0, 9));

        // Two sessions fed the same steps; only the first sees the bad input.
        WatermarkSession session = scheme.CreateSession(prompt);
        WatermarkSession twin = scheme.CreateSession(prompt);
        int steps = random.Next(0, 6);
        for (int step = 0; step < steps; step++)
        {
            Step(session, twin, random, compare: false);
        }

        long position = session.Position;
        foreach (float[] bad in BadLogits(random, v))
        {
            float[] before = (float[])bad.Clone();
            ArgumentException e = Assert.Throws<ArgumentException>(() => session.ProcessLogits(bad));
            Assert.Equal("logits", e.ParamName);
            Assert.Equal(before, bad);
            Assert.Equal(position, session.Position);
        }

        foreach (int bad in BadTokens(random, v))
        {
            Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(bad)).ParamName);
            Assert.Equal(position, session.Position);
            int[] badPrompt = WithBadToken(random, bad);
            Assert.Equal("prompt", Assert.Throws<ArgumentOutOfRangeException>(() => session.Reset(badPrompt)).ParamName);
            Assert.Equal(position, session.Position);
            Assert.Equal("prompt", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession(badPrompt)).ParamName);
            int[] badTokens = WithBadToken(random, bad);
            Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect(badTokens)).ParamName);
            Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Localize(badTokens)).ParamName);
        }

        // The session goes on exactly as its twin, which never saw the bad input (where sessions of
        // one scheme are deterministic; otherwise the position and the logits above are the check).
        for (int step = 0; step < 3; step++)
        {
            Step(session, twin, random, compare: SessionsAreDeterministic);
        }

        WatermarkAccumulator accumulator = scheme.CreateAccumulator(new DetectionOptions { Deduplicate = random.Next(2) == 0 });
        accumulator.Append(NullTokens(random, random.Next(0, 40)));
        long tokens = accumulator.TokenCount, scored = accumulator.ScoredTokens;
        byte[] state = StateOf(accumulator);
        foreach (int bad in BadTokens(random, v))
        {
            int[] badTokens = WithBadToken(random, bad);
            Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Append(badTokens)).ParamName);
            Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Append(bad)).ParamName);
            Assert.Equal(tokens, accumulator.TokenCount);
            Assert.Equal(scored, accumulator.ScoredTokens);
        }

        Assert.Equal(state, StateOf(accumulator));
    }

    private static byte[] StateOf(WatermarkAccumulator accumulator)
    {
        using var stream = new MemoryStream();
        accumulator.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>A wrong length, then NaN and positive infinity among finite and masked logits.</summary>
    private static float[][] BadLogits(Random random, int v)
    {
        int length = random.Next(0, 2 * v);
        float[] wrongLength = RandomLogits(random, length == v ? v + 1 : length);
        float[] nan = RandomLogits(random, v);
        float[] infinity = RandomLogits(random, v);
        for (int i = 0; i < v / 10; i++)
        {
            nan[random.Next(v)] = float.NegativeInfinity;
            infinity[random.Next(v)] = float.NegativeInfinity;
        }

        nan[random.Next(v)] = float.NaN;
        infinity[random.Next(v)] = float.PositiveInfinity;
        return [wrongLength, nan, infinity];
    }

    /// <summary>Ids just outside the vocabulary, at the extremes of int, and one drawn at random.</summary>
    private static int[] BadTokens(Random random, int v) =>
        [-1, v, int.MinValue, int.MaxValue, random.Next(2) == 0 ? random.Next(int.MinValue, 0) : random.Next(v, int.MaxValue)];

    private int[] WithBadToken(Random random, int bad)
    {
        int[] tokens = NullTokens(random, random.Next(1, 20));
        tokens[random.Next(tokens.Length)] = bad;
        return tokens;
    }

    /// <summary>One step of both sessions on the same logits and token; with <paramref name="compare"/>, their outputs must agree bit for bit.</summary>
    private void Step(WatermarkSession session, WatermarkSession twin, Random random, bool compare)
    {
        float[] logits = RandomLogits(random, VocabularySize);
        float[] copy = (float[])logits.Clone();
        session.ProcessLogits(logits);
        twin.ProcessLogits(copy);
        if (compare)
        {
            Assert.True(logits.AsSpan().SequenceEqual(copy), "The session's logits differ from its twin's after bad input.");
            Assert.Equal(twin.Position, session.Position);
        }

        int token = Enumerable.Range(0, VocabularySize).FirstOrDefault(i => !float.IsNegativeInfinity(logits[i]));
        session.Accept(token);
        twin.Accept(token);
    }
}
