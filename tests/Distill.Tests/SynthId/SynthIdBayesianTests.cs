using System;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.SynthId;

namespace Distill.Tests.SynthId;

public class SynthIdBayesianTests
{
    private const int Vocabulary = 5000;

    private static (int[][] Watermarked, int[][] Plain) Samples(SynthIdScheme scheme, int seed, int count, int length)
    {
        var random = new Random(seed);
        var watermarked = new int[count][];
        var plain = new int[count][];
        for (int i = 0; i < count; i++)
        {
            int[] prompt = TestData.RandomTokens(random, 4, Vocabulary);
            watermarked[i] = SynthIdTestData.SampleWatermarked(scheme.CreateSession(prompt), random, length, 1.5 + random.NextDouble() * 2);
            plain[i] = SynthIdTestData.SampleUnwatermarked(Vocabulary, random, length, 1.5 + random.NextDouble() * 2);
        }

        return (watermarked, plain);
    }

    [Fact]
    public void Separates_held_out_watermarked_from_unwatermarked_samples()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        var (trainW, trainU) = Samples(scheme, 1, 60, 40);
        var (testW, testU) = Samples(scheme, 2, 60, 40);
        var detector = SynthIdBayesianDetector.Train(scheme, trainW, trainU);
        double[] w = testW.Select(t => detector.Score(t).LogLikelihoodRatio).ToArray();
        double[] u = testU.Select(t => detector.Score(t).LogLikelihoodRatio).ToArray();

        // AUC: the fraction of (watermarked, plain) pairs ranked correctly.
        double auc = w.Sum(a => u.Count(b => a > b) + (0.5 * u.Count(b => a == b))) / (w.Length * u.Length);
        Assert.True(auc > 0.97, $"AUC {auc:F3}");
        double accuracy = (w.Count(x => x > 0) + u.Count(x => x < 0)) / (double)(w.Length + u.Length);
        Assert.True(accuracy > 0.9, $"accuracy {accuracy:F3}");

        SynthIdBayesianResult r = detector.Score(testW[0], prior: 0.1);
        double logit = Math.Log(0.1 / 0.9) + r.LogLikelihoodRatio;
        Assert.Equal(1.0 / (1.0 + Math.Exp(-logit)), r.Posterior, 1e-12);
        Assert.Equal(scheme.Detect(testW[0]).ScoredTokens, r.ScoredTokens);
    }

    [Fact]
    public void Weights_round_trip_and_corruption_is_refused()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, new SynthIdOptions { Depth = 12 }, Vocabulary);
        var (w, u) = Samples(scheme, 3, 10, 30);
        var detector = SynthIdBayesianDetector.Train(scheme, w, u, regularization: 2.0);
        using var stream = new MemoryStream();
        detector.WriteTo(stream);
        byte[] bytes = stream.ToArray();
        var read = SynthIdBayesianDetector.ReadFrom(new MemoryStream(bytes), scheme);
        Assert.Equal(2.0, read.Regularization);
        Assert.Equal(detector.Score(w[0]), read.Score(w[0]));

        byte[] flipped = (byte[])bytes.Clone();
        flipped[40] ^= 1;
        Assert.Throws<InvalidDataException>(() => SynthIdBayesianDetector.ReadFrom(new MemoryStream(flipped), scheme));
        Assert.Throws<InvalidDataException>(() => SynthIdBayesianDetector.ReadFrom(new MemoryStream(bytes[..^3]), scheme));
        Assert.Throws<InvalidDataException>(() => SynthIdBayesianDetector.ReadFrom(new MemoryStream([]), scheme));
        var other = SynthIdScheme.Create(TestData.KeyFor(5), new SynthIdOptions { Depth = 12 }, Vocabulary);
        Assert.Throws<DescriptorMismatchException>(() => SynthIdBayesianDetector.ReadFrom(new MemoryStream(bytes), other));
    }

    [Fact]
    public void Bad_training_input_is_refused()
    {
        var scheme = SynthIdScheme.Create(TestData.FixedKey, null, Vocabulary);
        int[][] some = [[1, 2, 3, 4, 5, 6, 7, 8]];
        Assert.Throws<ArgumentException>(() => SynthIdBayesianDetector.Train(scheme, [[1, 2]], some));
        Assert.Throws<ArgumentException>(() => SynthIdBayesianDetector.Train(scheme, some, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SynthIdBayesianDetector.Train(scheme, some, some, regularization: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SynthIdBayesianDetector.Train(scheme, [[1, 2, 3, 4, Vocabulary]], some));
        Assert.Throws<ArgumentNullException>(() => SynthIdBayesianDetector.Train(null!, some, some));
        var detector = SynthIdBayesianDetector.Train(scheme, some, some);
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Score([1, 2, 3], prior: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Score([-1]));
    }
}
