using System;
using Distill.Reference;

namespace Distill.Tests.Reference;

/// <summary>A synthetic reference text: Zipf-distributed tokens, so that some pairs recur across documents.</summary>
internal static class ReferenceTestData
{
    /// <summary>How common a pair must be in <see cref="Zipf"/> to be left unscored in the contract tests: 50 of 200 documents.</summary>
    public const int Rate = 1250;

    public static ReferenceCorpus Zipf(int vocabularySize, int documents = 200, int length = 200, int seed = 12)
    {
        var random = new Random(seed);
        double[] cumulative = new double[vocabularySize];
        double total = 0;
        for (int i = 0; i < vocabularySize; i++)
        {
            total += 1.0 / Math.Pow(i + 1, 1.1);
            cumulative[i] = total;
        }

        var docs = new ReadOnlyMemory<int>[documents];
        for (int d = 0; d < documents; d++)
        {
            var ids = new int[length];
            for (int i = 0; i < length; i++)
            {
                int index = Array.BinarySearch(cumulative, random.NextDouble() * total);
                ids[i] = Math.Min(index < 0 ? ~index : index, vocabularySize - 1);
            }

            docs[d] = ids;
        }

        return ReferenceCorpus.Create($"zipf-{vocabularySize}-{seed}", docs, vocabularySize);
    }

    /// <summary>Null text with frequent tokens, drawn like the reference (another seed).</summary>
    public static int[] ZipfTokens(int vocabularySize, int count, int seed) => Zipf(vocabularySize, 1, count, seed).Documents[0].ToArray();
}
