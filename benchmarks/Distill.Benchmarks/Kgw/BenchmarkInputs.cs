using System;

namespace Distill.Benchmarks.Kgw;

/// <summary>Deterministic inputs shared by the KGW benchmarks: a fixed key, prompts and logits from fixed seeds.</summary>
internal static class BenchmarkInputs
{
    /// <summary>The vocabulary sizes measured: Llama 2 (32,000), Llama 3 (128,256) and o200k_base (200,019).</summary>
    public const int Llama2Vocabulary = 32_000;

    public const int Llama3Vocabulary = 128_256;

    public const int O200kVocabulary = 200_019;

    /// <summary>A fixed key, so every run biases and scores exactly the same tokens.</summary>
    public static WatermarkKey Key()
    {
        var secret = new byte[WatermarkKey.SizeInBytes];
        new Random(20_240_101).NextBytes(secret);
        return WatermarkKey.FromBytes(secret);
    }

    /// <summary>A prompt long enough to fill every supported context window (16 tokens).</summary>
    public static int[] Prompt(int vocabularySize)
    {
        var random = new Random(7);
        var prompt = new int[16];
        for (int i = 0; i < prompt.Length; i++)
        {
            prompt[i] = random.Next(vocabularySize);
        }

        return prompt;
    }

    /// <summary>
    /// Logits drawn from a normal distribution (mean 0, standard deviation 2) with a fixed seed, so the
    /// top-k selection of SelfHash sees values in random order, as it would on a real model's output.
    /// </summary>
    public static float[] NormalLogits(int vocabularySize, int seed = 42)
    {
        var random = new Random(seed);
        var logits = new float[vocabularySize];
        for (int i = 0; i < logits.Length; i++)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            logits[i] = (float)(2.0 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return logits;
    }

    /// <summary>Uniformly random token ids with a fixed seed.</summary>
    public static int[] RandomTokens(int count, int vocabularySize, int seed = 1234)
    {
        var random = new Random(seed);
        var tokens = new int[count];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.Next(vocabularySize);
        }

        return tokens;
    }

    /// <summary>The detection floor: read every token id once and hash it once (one SplitMix64 finalizer); the sum keeps the work alive.</summary>
    public static ulong ReadAndHashOnce(int[] tokens)
    {
        ulong sum = 0;
        foreach (int token in tokens)
        {
            sum = unchecked(sum + Prf.PrfV1.Mix64(unchecked((uint)token)));
        }

        return sum;
    }
}
