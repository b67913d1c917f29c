using System;
using System.Linq;
using Distill.GreenList;

namespace Distill.Tests.BadInput;

/// <summary>Bad input to a session throws the documented exception and changes nothing: not the logits, not the context.</summary>
public class SessionBadInputTests
{
    private const int VocabularySize = 1_000;
    private static readonly int[] s_prompt = [11, 22, 33, 44, 55];

    public static TheoryData<KgwSeeding> Seedings => [KgwSeeding.LeftHash, KgwSeeding.SelfHash];

    [Theory]
    [MemberData(nameof(Seedings))]
    public void The_control_case_does_modify_the_logits(KgwSeeding seeding)
    {
        // Without it, "unchanged" below could mean "never changes anything".
        WatermarkSession session = Scheme(seeding).CreateSession(s_prompt);
        float[] logits = Logits(1);
        float[] before = (float[])logits.Clone();
        session.ProcessLogits(logits);
        Assert.NotEqual(Bits(before), Bits(logits));
    }

    [Theory]
    [InlineData(KgwSeeding.LeftHash, 0)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize - 1)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize + 1)]
    [InlineData(KgwSeeding.SelfHash, 1)]
    [InlineData(KgwSeeding.SelfHash, VocabularySize - 1)]
    [InlineData(KgwSeeding.SelfHash, 2 * VocabularySize)]
    public void ProcessLogits_refuses_a_wrong_length(KgwSeeding seeding, int length)
    {
        WatermarkSession session = Scheme(seeding).CreateSession(s_prompt);
        float[] logits = Logits(2, length);
        int[] before = Bits(logits);
        var ex = Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
        Assert.Equal("logits", ex.ParamName);
        Assert.Equal(before, Bits(logits));
        Assert.Equal(s_prompt.Length, session.Position);
    }

    [Theory]
    [InlineData(KgwSeeding.LeftHash, 0)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize / 2)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize - 1)]
    [InlineData(KgwSeeding.SelfHash, 0)]
    [InlineData(KgwSeeding.SelfHash, VocabularySize / 2)]
    [InlineData(KgwSeeding.SelfHash, VocabularySize - 1)]
    public void ProcessLogits_refuses_NaN_anywhere_and_leaves_every_bit_alone(KgwSeeding seeding, int index)
    {
        foreach (float nan in new[] { float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), BitConverter.Int32BitsToSingle(0x7F80_0001) })
        {
            Assert.True(float.IsNaN(nan));
            WatermarkSession session = Scheme(seeding).CreateSession(s_prompt);
            float[] logits = Logits(3);
            logits[index] = nan;
            int[] before = Bits(logits);
            var ex = Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
            Assert.Equal("logits", ex.ParamName);
            Assert.Equal(before, Bits(logits));
            Assert.Equal(s_prompt.Length, session.Position);
        }
    }

    [Theory]
    [InlineData(KgwSeeding.LeftHash, 0)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize - 1)]
    [InlineData(KgwSeeding.SelfHash, 0)]
    [InlineData(KgwSeeding.SelfHash, 123)]
    [InlineData(KgwSeeding.SelfHash, VocabularySize - 1)]
    public void ProcessLogits_refuses_positive_infinity(KgwSeeding seeding, int index)
    {
        WatermarkSession session = Scheme(seeding).CreateSession(s_prompt);
        float[] logits = Logits(4);
        logits[index] = float.PositiveInfinity;
        logits[(index + 7) % VocabularySize] = float.NegativeInfinity;
        int[] before = Bits(logits);
        var ex = Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits));
        Assert.Equal("logits", ex.ParamName);
        Assert.Equal(before, Bits(logits));
    }

    [Fact]
    public void ProcessLogits_refuses_bad_logits_even_before_the_context_is_full()
    {
        // With an empty prompt nothing would be biased, but bad input is still bad input.
        WatermarkSession session = Scheme(KgwSeeding.SelfHash).CreateSession([]);
        float[] logits = Logits(5);
        logits[10] = float.NaN;
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => session.ProcessLogits(logits)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => session.ProcessLogits(new float[3])).ParamName);
    }

    [Theory]
    [InlineData(KgwSeeding.LeftHash, -1)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize)]
    [InlineData(KgwSeeding.SelfHash, -1)]
    [InlineData(KgwSeeding.SelfHash, VocabularySize)]
    [InlineData(KgwSeeding.SelfHash, int.MinValue)]
    [InlineData(KgwSeeding.SelfHash, int.MaxValue)]
    public void Accept_refuses_an_out_of_range_token_and_keeps_the_context(KgwSeeding seeding, int token)
    {
        KgwScheme scheme = Scheme(seeding);
        WatermarkSession session = scheme.CreateSession(s_prompt);
        session.Accept(7);
        long position = session.Position;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(token));
        Assert.Equal("token", ex.ParamName);
        Assert.Equal(token, ex.ActualValue);
        Assert.Equal(position, session.Position);

        // The context is the one before the bad call: the next step biases exactly like a clean session.
        WatermarkSession clean = scheme.CreateSession(s_prompt);
        clean.Accept(7);
        AssertSameBias(clean, session);
    }

    [Theory]
    [InlineData(KgwSeeding.LeftHash, -1)]
    [InlineData(KgwSeeding.LeftHash, VocabularySize)]
    [InlineData(KgwSeeding.SelfHash, -1)]
    [InlineData(KgwSeeding.SelfHash, VocabularySize)]
    public void Reset_refuses_an_out_of_range_prompt_token_and_changes_nothing(KgwSeeding seeding, int bad)
    {
        KgwScheme scheme = Scheme(seeding);
        WatermarkSession session = scheme.CreateSession(s_prompt);
        session.Accept(9);
        int[] prompt = [1, 2, 3, bad, 5];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => session.Reset(prompt));
        Assert.Equal("prompt", ex.ParamName);
        Assert.Equal(s_prompt.Length + 1, session.Position);

        WatermarkSession clean = scheme.CreateSession(s_prompt);
        clean.Accept(9);
        AssertSameBias(clean, session);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(VocabularySize)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void CreateSession_refuses_an_out_of_range_prompt_token(int bad)
    {
        foreach (KgwSeeding seeding in new[] { KgwSeeding.LeftHash, KgwSeeding.SelfHash })
        {
            KgwScheme scheme = Scheme(seeding);
            var first = Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([bad]));
            Assert.Equal("prompt", first.ParamName);
            var last = Assert.Throws<ArgumentOutOfRangeException>(() => scheme.CreateSession([1, 2, 3, 4, bad]));
            Assert.Equal("prompt", last.ParamName);
            Assert.Equal(bad, last.ActualValue);
        }
    }

    private static KgwScheme Scheme(KgwSeeding seeding) =>
        KgwScheme.Create(TestData.KeyFor(40), seeding == KgwSeeding.SelfHash ? KgwOptions.Default : KgwOptions.LeftHash, VocabularySize);

    private static float[] Logits(int seed, int length = VocabularySize)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 20.0) - 10.0)).ToArray();
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void AssertSameBias(WatermarkSession expected, WatermarkSession actual)
    {
        Assert.Equal(expected.Position, actual.Position);
        float[] a = Logits(6), b = Logits(6);
        expected.ProcessLogits(a);
        actual.ProcessLogits(b);
        Assert.Equal(Bits(a), Bits(b));
        Assert.NotEqual(Bits(Logits(6)), Bits(a));
    }
}
