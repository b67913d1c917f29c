using System;
using System.Collections.Generic;
using Distill.Gumbel;
using Distill.Unigram;

namespace Distill.OnnxRuntimeGenAI.Tests;

/// <summary>The loop's logic over a fake generator, without the native runtime.</summary>
public sealed class WatermarkedGeneratorLoopTests
{
    private const int Vocabulary = 64;
    private static readonly WatermarkKey s_key = WatermarkKey.FromIntegers([1, 2, 3, 4]);

    [Fact]
    public void ABiasSchemeWritesTheBiasedLogitsBackAndAcceptsTheSampledToken()
    {
        var scheme = UnigramScheme.Create(s_key, null, Vocabulary);
        var loop = new FakeLoop(Vocabulary) { Sampled = 17 };
        using var watermarked = new WatermarkedGenerator(loop, scheme.CreateSession([]));

        Assert.Equal(17, watermarked.GenerateNextToken());

        var expected = new float[Vocabulary];
        scheme.CreateSession([]).ProcessLogits(expected);
        Assert.Equal(expected, loop.Buffer);
        Assert.Equal(1, loop.Samples);
        Assert.Empty(loop.Appended);
        Assert.Equal(1, watermarked.Session.Position);
    }

    [Fact]
    public void AChoiceSchemeAppendsItsTokenWithoutSampling()
    {
        var scheme = GumbelScheme.Create(s_key, null, Vocabulary);
        var loop = new FakeLoop(Vocabulary);
        using var watermarked = new WatermarkedGenerator(loop, scheme.CreateSession([]));
        watermarked.AppendPrompt([5, 6, 7, 8]); // a full context: the first steps are not watermarked
        loop.Appended.Clear();

        int token = watermarked.GenerateNextToken();

        Assert.Equal([token], loop.Appended);
        Assert.Equal(0, loop.Samples);
        Assert.Equal(token, WatermarkedGenerator.OnlyUnmasked(loop.Buffer));
    }

    [Fact]
    public void APromptOutsideTheVocabularyChangesNothing()
    {
        var loop = new FakeLoop(Vocabulary);
        using var watermarked = new WatermarkedGenerator(loop, UnigramScheme.Create(s_key, null, Vocabulary).CreateSession([3]));

        Assert.Throws<ArgumentOutOfRangeException>(() => watermarked.AppendPrompt([1, Vocabulary]));
        Assert.Empty(loop.Appended);
        Assert.Equal(1, watermarked.Session.Position);
    }

    [Theory]
    [InlineData(new[] { 0f, float.NegativeInfinity, float.NegativeInfinity }, 0)]
    [InlineData(new[] { float.NegativeInfinity, float.NegativeInfinity, -3f }, 2)]
    [InlineData(new[] { 1f, float.NegativeInfinity, 2f }, -1)]
    [InlineData(new[] { float.NegativeInfinity, float.NegativeInfinity }, -1)]
    public void OnlyUnmaskedFindsTheOneFiniteLogit(float[] logits, int expected) =>
        Assert.Equal(expected, WatermarkedGenerator.OnlyUnmasked(logits));

    private sealed class FakeLoop(int vocabulary) : ILogitsLoop
    {
        public float[] Buffer { get; } = new float[vocabulary];

        public List<int> Appended { get; } = [];

        public int Sampled { get; init; }

        public int Samples { get; private set; }

        public bool IsDone => false;

        public Span<float> ReadLogits(int vocabularySize)
        {
            Assert.Equal(Buffer.Length, vocabularySize);
            Array.Clear(Buffer);
            return Buffer;
        }

        public int SampleFromLogits()
        {
            Samples++;
            return Sampled;
        }

        public void AppendTokens(ReadOnlySpan<int> tokens) => Appended.AddRange(tokens);

        public void Dispose()
        {
        }
    }
}
