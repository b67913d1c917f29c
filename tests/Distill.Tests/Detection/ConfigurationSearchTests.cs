using System;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using Distill.Gumbel;
using Distill.Interop;

namespace Distill.Tests.Detection;

public sealed class ConfigurationSearchTests
{
    private static WatermarkScheme[] Configurations(int vocabularySize) =>
    [
        KgwScheme.Create(TestData.KeyFor(1), KgwOptions.LeftHash, vocabularySize),
        GumbelScheme.Create(TestData.KeyFor(2), GumbelOptions.Default, vocabularySize),
        VllmGumbelScheme.Create(WatermarkKey.FromIntegers([3]), VllmOptions.Default, vocabularySize),
        VllmGumbelScheme.Create(WatermarkKey.FromIntegers([4]), VllmOptions.DualKeyDefault, vocabularySize),
    ];

    [Fact]
    public void The_configuration_that_watermarked_the_text_is_found_and_corrected_by_Holm()
    {
        WatermarkScheme[] schemes = Configurations(500);
        var random = new Random(9);
        for (int target = 0; target < schemes.Length; target++)
        {
            int[] tokens = TestData.Sample(schemes[target], random, 200);
            ConfigurationSearchResult result = new ConfigurationSearch(schemes).Search(tokens);
            Assert.Equal(target, result.BestIndex);
            Assert.Equal(4, result.Configurations);
            double own = result.Best!.Log10PValue;
            Assert.Equal(Math.Min(0, own + Math.Log10(4)), result.Log10PValue, 12);
            Assert.True(result.IsWatermarked(1e-6));

            // Holm: adjusted p-values are never below the raw ones and keep their order.
            double[] raw = [.. result.Results.Select(r => r!.Log10PValue)];
            double[] adjusted = [.. Enumerable.Range(0, 4).Select(result.AdjustedLog10PValue)];
            for (int i = 0; i < 4; i++)
            {
                Assert.True(adjusted[i] >= raw[i] - 1e-12);
                for (int j = 0; j < 4; j++)
                {
                    Assert.True(raw[i] > raw[j] || adjusted[i] <= adjusted[j] + 1e-12);
                }
            }
        }
    }

    [Fact]
    public void The_family_wise_false_positive_rate_holds_on_unwatermarked_streams()
    {
        var random = new Random(4);
        int falsePositives = 0;
        const int trials = 1_000;
        for (int k = 0; k < trials; k++)
        {
            WatermarkScheme[] schemes =
            [
                VllmGumbelScheme.Create(WatermarkKey.FromIntegers([(ulong)(10 * k)]), VllmOptions.Default, 300),
                VllmGumbelScheme.Create(WatermarkKey.FromIntegers([(ulong)((10 * k) + 1)]), VllmOptions.DualKeyDefault, 300),
                KgwScheme.Create(TestData.KeyFor(k), KgwOptions.LeftHash, 300),
            ];
            int[] tokens = TestData.RandomTokens(random, 100, 300);
            falsePositives += new ConfigurationSearch(schemes).Search(tokens).IsWatermarked(0.05) ? 1 : 0;
        }

        // Family-wise level 5%: at most 50 of 1,000 in expectation; 70 is 3 standard deviations above.
        Assert.InRange(falsePositives, 0, 70);
    }

    [Fact]
    public void Ids_outside_a_vocabulary_leave_that_configuration_unscored_but_counted()
    {
        WatermarkScheme small = VllmGumbelScheme.Create(WatermarkKey.FromIntegers([1]), VllmOptions.Default, 100);
        WatermarkScheme large = VllmGumbelScheme.Create(WatermarkKey.FromIntegers([1]), VllmOptions.Default, 1000);
        int[] tokens = TestData.Sample(large, new Random(1), 120);
        Assert.Contains(tokens, t => t >= 100);
        ConfigurationSearchResult result = new ConfigurationSearch([small, large]).Search(tokens);
        Assert.Null(result.Results[0]);
        Assert.Equal(1, result.BestIndex);
        Assert.Equal(Math.Min(0, result.Results[1]!.Log10PValue + Math.Log10(2)), result.Log10PValue, 12);
        Assert.Throws<ArgumentException>(() => new ConfigurationSearch([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationSearch([small]).Search([1, -1]));
        Assert.Throws<ArgumentException>(() => new ConfigurationSearch([small]).Combine([]));
    }
}
