using System;
using System.Linq;
using Distill.Evaluation.Attacks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Evaluation.Tests.Attacks;

public sealed class CopyPasteDilutionTests
{
    public static TheoryData<double, int> Grid => new()
    {
        { 0.10, 1 }, { 0.25, 1 }, { 0.50, 1 }, { 0.10, 3 }, { 0.25, 3 }, { 0.50, 3 },
    };

    // Watermarked ids are 10000 + position, human ids are position: every token says where it came from.
    private static int[] Watermarked(int count) => Enumerable.Range(10_000, count).ToArray();

    private static int[] Human(int count) => Enumerable.Range(0, count).ToArray();

    [Theory]
    [MemberData(nameof(Grid))]
    public void Ranges_hold_exactly_the_watermarked_tokens_in_order_and_the_fraction_is_met(double fraction, int segments)
    {
        int[] human = Human(400);
        for (ulong seed = 0; seed < 50; seed++)
        {
            DilutionResult result = new CopyPasteDilution(new DilutionOptions(fraction, segments)).Apply(Watermarked(400), human, seed);
            int[] tokens = result.Tokens.ToArray();
            Assert.Equal(human.Length, tokens.Length);
            Assert.Equal(segments, result.WatermarkedRanges.Count);
            Assert.InRange(result.WatermarkedFraction, fraction - (0.5 / human.Length), fraction + (0.5 / human.Length));

            var inside = new bool[tokens.Length];
            int previousEnd = -1, expected = 10_000;
            foreach (TokenRange range in result.WatermarkedRanges)
            {
                Assert.True(range.Start > previousEnd || (previousEnd == -1 && range.Start >= 0), $"ranges overlap or touch at {range}");
                Assert.InRange(range.Length, result.WatermarkedTokenCount / segments, (result.WatermarkedTokenCount / segments) + 1);
                for (int i = range.Start; i < range.End; i++)
                {
                    Assert.Equal(expected++, tokens[i]);
                    inside[i] = true;
                }

                previousEnd = range.End;
            }

            // Outside the ranges: the first human tokens, in order.
            Assert.Equal(Enumerable.Range(0, result.HumanTokenCount), tokens.Where((_, i) => !inside[i]));
        }
    }

    [Property(MaxTest = 40, Replay = "(5150,4423)")]
    public Property Same_seed_places_segments_the_same_and_seeds_differ(int seed)
    {
        var dilution = new CopyPasteDilution(new DilutionOptions(0.25, 3));
        int[] human = Human(300);
        int[] watermarked = Watermarked(300);
        var first = dilution.Apply(watermarked, human, unchecked((ulong)seed)).WatermarkedRanges.ToArray();
        var again = dilution.Apply(watermarked, human, unchecked((ulong)seed)).WatermarkedRanges.ToArray();
        var other = dilution.Apply(watermarked, human, unchecked((ulong)seed + 1)).WatermarkedRanges.ToArray();
        return (first.SequenceEqual(again) && !first.SequenceEqual(other)).Label(string.Join(",", first));
    }

    [Fact]
    public void Positions_cover_the_whole_document()
    {
        // With one segment over 300 human tokens, its start is uniform over 301 gaps: both halves are used.
        var dilution = new CopyPasteDilution(new DilutionOptions(0.1, 1));
        int[] starts = Enumerable.Range(0, 400).Select(s => dilution.Apply(Watermarked(100), Human(300), (ulong)s).WatermarkedRanges[0].Start).ToArray();
        Assert.InRange(starts.Count(s => s < 135), 140, 260);
        Assert.Contains(starts, s => s < 20);
        Assert.Contains(starts, s => s > 250);
    }

    [Fact]
    public void Too_short_inputs_are_refused()
    {
        var dilution = new CopyPasteDilution(new DilutionOptions(0.5, 3));
        Assert.Equal("watermarked", Assert.Throws<ArgumentException>(() => dilution.Apply(Watermarked(10), Human(100), 1)).ParamName);
        Assert.Equal("human", Assert.Throws<ArgumentException>(() => dilution.Apply(Watermarked(10), Human(4), 1)).ParamName);
        Assert.Equal("human", Assert.Throws<ArgumentOutOfRangeException>(() => dilution.Apply(Watermarked(100), [-1, .. Human(99)], 1)).ParamName);
    }
}
