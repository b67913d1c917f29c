using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Evaluation.Tests;

public sealed class LogitTransformsTests
{
    // Logits with duplicates and masked entries, as a model with a small support produces.
    private static Arbitrary<float[]> Logits(bool distinct) =>
        Gen.Choose(1, 300).SelectMany(length => Gen.ArrayOf(
                Gen.Frequency(
                    (1, Gen.Constant(float.NegativeInfinity)),
                    (6, distinct
                        ? Gen.Choose(-2_000_000, 2_000_000).Select(i => i / 100_000f)
                        : Gen.Choose(-8, 4).Select(i => i / 2f))),
                length))
            .Where(a => !distinct || a.Where(float.IsFinite).Distinct().Count() == a.Count(float.IsFinite))
            .ToArbitrary();

    [Property(MaxTest = 300, Replay = "(20250106,1)")]
    public Property Top_k_keeps_exactly_k_finite_logits_when_values_are_distinct() =>
        Prop.ForAll(Logits(distinct: true), Arb.From(Gen.Choose(1, 50)), (logits, k) =>
        {
            float[] after = (float[])logits.Clone();
            int kept = LogitTransforms.ApplyTopK(after, k, new float[logits.Length]);
            int finite = logits.Count(float.IsFinite);
            float[] expected = logits.Where(float.IsFinite).OrderDescending().Take(k).ToArray();
            float[] actual = after.Where(float.IsFinite).OrderDescending().ToArray();
            return kept == Math.Min(k, finite) && actual.SequenceEqual(expected)
                && Enumerable.Range(0, logits.Length).All(i => after[i] == logits[i] || float.IsNegativeInfinity(after[i]));
        });

    [Property(MaxTest = 300, Replay = "(20250107,1)")]
    public Property Top_k_keeps_the_k_largest_and_every_tie_with_the_kth() =>
        Prop.ForAll(Logits(distinct: false), Arb.From(Gen.Choose(1, 50)), (logits, k) =>
        {
            float[] after = (float[])logits.Clone();
            LogitTransforms.ApplyTopK(after, k, new float[logits.Length]);
            float[] finite = logits.Where(float.IsFinite).OrderDescending().ToArray();
            if (k >= finite.Length)
            {
                return after.SequenceEqual(logits);
            }

            float kth = finite[k - 1];
            return Enumerable.Range(0, logits.Length).All(i => logits[i] >= kth ? after[i] == logits[i] : float.IsNegativeInfinity(after[i]));
        });

    [Property(MaxTest = 300, Replay = "(20250108,1)")]
    public Property Top_p_keeps_the_smallest_most_probable_set_with_mass_at_least_p() =>
        Prop.ForAll(Logits(distinct: false), Arb.From(Gen.Choose(1, 99)), (logits, percent) =>
        {
            double p = percent / 100.0;
            float[] after = (float[])logits.Clone();
            LogitTransforms.ApplyTopP(after, p, new float[logits.Length], new long[logits.Length]);

            // Reference: softmax in double, rank by probability then id, take the shortest prefix reaching p.
            double max = logits.Max();
            if (double.IsNegativeInfinity(max))
            {
                return after.SequenceEqual(logits);
            }

            double[] weights = logits.Select(l => Math.Exp(l - max)).ToArray();
            double total = weights.Sum();
            int[] ranked = Enumerable.Range(0, logits.Length).Where(i => weights[i] > 0)
                .OrderByDescending(i => weights[i]).ThenBy(i => i).ToArray();
            var keep = new bool[logits.Length];
            double cumulative = 0;
            foreach (int i in ranked)
            {
                keep[i] = true;
                cumulative += weights[i] / total;
                if (cumulative >= p - 1e-9)
                {
                    break;
                }
            }

            double keptMass = Enumerable.Range(0, logits.Length).Where(i => float.IsFinite(after[i])).Sum(i => weights[i]) / total;
            return Enumerable.Range(0, logits.Length).All(i => keep[i] ? after[i] == logits[i] : float.IsNegativeInfinity(after[i]))
                && keptMass >= p - 1e-6;
        });

    [Fact]
    public void Top_p_on_a_known_distribution()
    {
        float[] logits = [MathF.Log(0.1f), MathF.Log(0.4f), MathF.Log(0.2f), MathF.Log(0.3f), float.NegativeInfinity];
        float[] after = (float[])logits.Clone();
        int kept = LogitTransforms.ApplyTopP(after, 0.65, new float[5], new long[5]);

        Assert.Equal(2, kept); // 0.4 + 0.3 >= 0.65
        Assert.Equal([float.NegativeInfinity, logits[1], float.NegativeInfinity, logits[3], float.NegativeInfinity], after);
    }

    [Fact]
    public void Temperature_divides_the_logits()
    {
        float[] logits = [-1f, -2f, float.NegativeInfinity, 0f];
        LogitTransforms.ApplyTemperature(logits, 0.5);
        Assert.Equal([-2f, -4f, float.NegativeInfinity, 0f], logits);
    }

    [Fact]
    public void Arg_max_takes_the_lowest_index_among_equal_maxima()
    {
        Assert.Equal(1, LogitTransforms.ArgMax([-3f, 2f, float.NegativeInfinity, 2f]));
        Assert.Equal(-1, LogitTransforms.ArgMax([float.NegativeInfinity, float.NegativeInfinity]));
    }

    [Fact]
    public void Sampling_inverts_the_cumulative_distribution()
    {
        float[] logits = [MathF.Log(0.2f), float.NegativeInfinity, MathF.Log(0.3f), MathF.Log(0.5f)];
        float[] scratch = new float[4];
        Assert.Equal(0, LogitTransforms.Sample(logits, 0.0, scratch));
        Assert.Equal(0, LogitTransforms.Sample(logits, 0.19, scratch));
        Assert.Equal(2, LogitTransforms.Sample(logits, 0.21, scratch));
        Assert.Equal(2, LogitTransforms.Sample(logits, 0.49, scratch));
        Assert.Equal(3, LogitTransforms.Sample(logits, 0.51, scratch));
        Assert.Equal(3, LogitTransforms.Sample(logits, 0.999999, scratch));
        Assert.Equal(-1, LogitTransforms.Sample([float.NegativeInfinity], 0.5, scratch));
    }

    [Fact]
    public void Sampled_frequencies_follow_the_softmax()
    {
        float[] logits = [1f, 0f, float.NegativeInfinity, -1f, 2f];
        double[] expected = logits.Select(l => Math.Exp(l)).ToArray();
        double total = expected.Sum();
        var random = new Xoshiro256StarStar(99);
        int[] counts = new int[logits.Length];
        float[] scratch = new float[logits.Length];
        const int Draws = 40_000;
        for (int i = 0; i < Draws; i++)
        {
            counts[LogitTransforms.Sample(logits, random.NextDouble(), scratch)]++;
        }

        Assert.Equal(0, counts[2]);
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.Equal(expected[i] / total, counts[i] / (double)Draws, 0.01);
        }
    }

    [Property(MaxTest = 200, Replay = "(20250109,1)")]
    public Property Selection_finds_the_kth_largest() =>
        Prop.ForAll(Logits(distinct: false), Arb.From(Gen.Choose(1, 300)), (values, k) =>
        {
            float[] finite = values.Where(float.IsFinite).ToArray();
            if (finite.Length == 0)
            {
                return true;
            }

            int rank = ((k - 1) % finite.Length) + 1;
            float expected = finite.OrderDescending().ElementAt(rank - 1);
            return LogitTransforms.SelectKthLargest(finite, rank) == expected;
        });
}
