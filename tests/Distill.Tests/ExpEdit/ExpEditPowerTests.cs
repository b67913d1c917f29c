using System;
using Distill.ExpEdit;
using Xunit.Abstractions;

namespace Distill.Tests.ExpEdit;

public class ExpEditPowerTests(ITestOutputHelper output)
{
    /// <summary>
    /// The acceptance figure: 200-token generations from a peaked random distribution, with 30% of the
    /// tokens replaced at random, are detected at p &lt;= 0.01 in at least 90% of 50 generations.
    /// </summary>
    [Fact]
    public void Substituted_generations_are_detected()
    {
        const int vocabularySize = 1000, generations = 50;
        var scheme = ExpEditScheme.Create(TestData.FixedKey, null, vocabularySize);

        // 99 resamples: p <= 0.01 exactly when no fresh key aligns as well; stop at the first that does.
        var test = new ExpEditDetectionOptions { Resamples = 99, EarlyStopHits = 1 };
        int detected = 0;
        for (int g = 0; g < generations; g++)
        {
            var random = new Random(1000 + g);
            int[] tokens = ExpEditTestData.Generate(scheme, random, 200, Scale, random.Next(256));
            int[] attacked = ExpEditTestData.Substitute(random, tokens, 0.3, vocabularySize);
            ExpEditDetection result = scheme.Detect(attacked, null, test);
            if (result.Result.IsWatermarked(0.01))
            {
                detected++;
            }
        }

        output.WriteLine($"detected {detected}/{generations}");
        Assert.True(detected >= 45, $"detected {detected}/{generations}");
    }

    internal const double Scale = 2.0;
}
