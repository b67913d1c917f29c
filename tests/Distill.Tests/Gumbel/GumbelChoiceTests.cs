using System;
using Distill.Gumbel;

namespace Distill.Tests.Gumbel;

public class GumbelChoiceTests
{
    public static TheoryData<string> Shapes => new() { "normal2", "normal8", "flat", "equal", "peaked", "masked", "sorted", "reversed", "huge" };

    private static float[] Logits(string shape, Random random, int n)
    {
        float[] l = shape switch
        {
            "normal8" => GumbelTestData.NormalLogits(random, n, 8.0),
            "flat" => GumbelTestData.NormalLogits(random, n, 1e-3),
            "equal" => new float[n],
            "huge" => GumbelTestData.NormalLogits(random, n, 1e6),
            _ => GumbelTestData.NormalLogits(random, n, 2.0),
        };
        if (shape == "peaked")
        {
            l[random.Next(n)] = 30f;
        }
        else if (shape == "masked")
        {
            for (int i = 0; i < n; i++)
            {
                if (random.Next(3) != 0)
                {
                    l[i] = float.NegativeInfinity;
                }
            }

            l[random.Next(n)] = 0f;
        }
        else if (shape == "sorted")
        {
            Array.Sort(l);
        }
        else if (shape == "reversed")
        {
            Array.Sort(l);
            Array.Reverse(l);
        }

        return l;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Vectorized_filtered_and_exhaustive_choices_agree(string shape)
    {
        var random = new Random(shape.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        bool saved = GumbelChoice.UseVector512;
        try
        {
            foreach (int n in new[] { 2, 3, 15, 16, 17, 31, 33, 100, 1000, 4099 })
            {
                for (int trial = 0; trial < 40; trial++)
                {
                    float[] logits = Logits(shape, random, n);
                    ulong seed = (ulong)random.NextInt64() ^ ((ulong)trial << 60);
                    int exhaustive = GumbelChoice.ChooseExhaustive(logits, seed);
                    GumbelChoice.UseVector512 = false;
                    int scalar = GumbelChoice.Choose(logits, seed);
                    GumbelChoice.UseVector512 = saved;
                    int vector = GumbelChoice.Choose(logits, seed);
                    Assert.Equal(exhaustive, scalar);
                    Assert.Equal(exhaustive, vector);
                    Assert.False(float.IsNegativeInfinity(logits[exhaustive]));
                }
            }
        }
        finally
        {
            GumbelChoice.UseVector512 = saved;
        }
    }

    [Fact]
    public void Equal_keys_choose_the_lowest_id()
    {
        // Logits so large that ln(-ln r) vanishes in the double subtraction: every key is -1e30, a tie.
        var logits = new float[100];
        Array.Fill(logits, 1e30f);
        logits[0] = float.NegativeInfinity;
        Assert.Equal(1, GumbelChoice.Choose(logits, 12345));
        Assert.Equal(1, GumbelChoice.ChooseExhaustive(logits, 12345));
    }

    [Fact]
    public void Every_masked_gives_minus_one()
    {
        var logits = new float[40];
        Array.Fill(logits, float.NegativeInfinity);
        Assert.Equal(-1, GumbelChoice.Choose(logits, 7));
    }

    [Fact]
    public void Uniforms_are_exact_complements_strictly_inside_the_unit_interval()
    {
        foreach (ulong w in new[] { 0UL, 1UL, 4095UL, 4096UL, ulong.MaxValue, 0x8000000000000000UL })
        {
            double r = GumbelPrf.Uniform(w), q = GumbelPrf.Complement(w);
            Assert.True(r > 0 && r < 1 && q > 0 && q < 1);
            Assert.Equal(1.0, r + q);
        }
    }
}
