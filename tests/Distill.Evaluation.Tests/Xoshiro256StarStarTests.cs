namespace Distill.Evaluation.Tests;

public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void SplitMix64_matches_the_published_sequence_for_seed_1234567()
    {
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong value in expected)
        {
            Assert.Equal(value, Xoshiro256StarStar.SplitMix64(ref state));
        }
    }

    [Fact]
    public void Xoshiro256StarStar_matches_the_reference_for_state_1_2_3_4()
    {
        Xoshiro256StarStar random = Xoshiro256StarStar.FromState(1, 2, 3, 4);
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600];
        foreach (ulong value in expected)
        {
            Assert.Equal(value, random.NextUInt64());
        }
    }

    [Fact]
    public void Seeding_runs_splitmix64_and_doubles_lie_in_the_unit_interval()
    {
        var random = new Xoshiro256StarStar(42);
        Assert.Equal(1546998764402558742UL, random.NextUInt64());
        Assert.Equal(6990951692964543102UL, random.NextUInt64());

        var other = new Xoshiro256StarStar(0);
        Assert.Equal(11091344671253066420UL, other.NextUInt64());
        for (int i = 0; i < 10_000; i++)
        {
            double u = other.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - (1.0 / (1UL << 53)));
        }
    }
}
