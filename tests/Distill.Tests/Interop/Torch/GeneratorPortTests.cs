using System;
using System.Linq;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>The ports of Philox4x32-10 and of the torch CPU generator, against the shared interoperability vectors.</summary>
public sealed class GeneratorPortTests
{
    [Fact]
    public void Philox_matches_the_Random123_known_answers()
    {
        JsonElement root = TestData.Json("interop/vllm_philox_kat.json").RootElement;
        int checkedCount = 0;
        foreach (JsonElement kat in root.GetProperty("random123_philox4x32_10").EnumerateArray())
        {
            uint[] c = [.. kat.GetProperty("counter").EnumerateArray().Select(TestData.Hex32)];
            uint[] k = [.. kat.GetProperty("key").EnumerateArray().Select(TestData.Hex32)];
            uint[] expected = [.. kat.GetProperty("output").EnumerateArray().Select(TestData.Hex32)];
            (uint x0, uint x1, uint x2, uint x3) = Philox4x32.Compute(c[0], c[1], c[2], c[3], k[0], k[1]);
            Assert.Equal(expected, new[] { x0, x1, x2, x3 });
            checkedCount++;
        }

        Assert.Equal(3, checkedCount);
    }

    [Fact]
    public void The_torch_generator_is_MT19937_and_its_randperm_matches_torch()
    {
        // The C++ standard's check of std::mt19937: the 10,000th output from the default seed 5489.
        var generator = new TorchCpuGenerator(5489);
        uint last = 0;
        for (int i = 0; i < 10_000; i++)
        {
            last = generator.Next32();
        }

        Assert.Equal(4123659995u, last);

        JsonElement root = TestData.Json("interop/randperm_verification.json").RootElement;
        foreach (JsonElement r in root.GetProperty("results").EnumerateArray())
        {
            int n = r.GetProperty("n").GetInt32();
            ulong seed = r.GetProperty("seed").GetUInt64();
            var permutation = new int[n];
            new TorchCpuGenerator(seed).RandPerm(permutation);
            Assert.Equal(r.GetProperty("first5").EnumerateArray().Select(e => e.GetInt32()), permutation.Take(5));
            Assert.Equal(Enumerable.Range(0, n), permutation.Order());
        }

        Assert.Throws<ArgumentException>(() => new TorchCpuGenerator(1).RandPerm([]));
    }
}
