using System;
using System.Collections.Generic;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// transformers' <c>WatermarkDetector</c>, reproduced: drop a leading BOS, score every n-gram of length
/// <c>width + 1</c> (LeftHash) or <c>width</c> (SelfHash, the candidate included), green when its last
/// token is in the green list of the n-gram's seed; <c>z = (G - gamma T) / sqrt(T gamma (1 - gamma))</c>,
/// watermarked when z &gt; 3. The reference counts repeated n-grams again whatever its flag says;
/// <c>deduplicate</c> gives true tuple deduplication. Beside z: Distill's exact binomial p-value.
/// Green lists are cached per seed (LeftHash has at most V distinct seeds).
/// </summary>
internal sealed class HfKgwDetection(HfKgwSeeding seeding, int vocabularySize, double gamma, bool selfHash, int contextWidth)
{
    private readonly Dictionary<ulong, bool[]> _greenLists = [];
    private readonly int[] _permutation = new int[vocabularySize];
    private readonly int _size = HfKgwSeeding.GreenListSize(vocabularySize, gamma);

    /// <summary>Gets the null green probability as the reference draws it: (int)(V gamma) / V.</summary>
    public double EffectiveGamma => (double)_size / vocabularySize;

    public (int Scored, int Green, double ZScore, bool Watermarked, double Log10PValue) Detect(ReadOnlySpan<int> tokens, int? bosTokenId, bool deduplicate)
    {
        if (bosTokenId is { } bos && !tokens.IsEmpty && tokens[0] == bos)
        {
            tokens = tokens[1..];
        }

        int n = selfHash ? contextWidth : contextWidth + 1;
        var seen = new ContextTupleSet();
        Span<long> tuple = stackalloc long[n];
        int scored = 0, green = 0;
        for (int end = n; end <= tokens.Length; end++)
        {
            ReadOnlySpan<int> gram = tokens[(end - n)..end];
            for (int j = 0; j < n; j++)
            {
                tuple[j] = gram[j];
            }

            if (deduplicate && !seen.Add(tuple))
            {
                continue;
            }

            ulong seed = HfKgwSeeding.GeneratorSeed(selfHash ? seeding.SelfHashRawSeed(gram) : seeding.LeftHashRawSeed(gram[^2]));
            scored++;
            green += GreenList(seed)[gram[^1]] ? 1 : 0;
        }

        double z = scored == 0 ? 0 : (green - (gamma * scored)) / Math.Sqrt(scored * gamma * (1 - gamma));
        double log10 = scored == 0 ? 0 : Binomial.Log10UpperTail(green, scored, EffectiveGamma);
        return (scored, green, z, z > 3.0, log10);
    }

    private bool[] GreenList(ulong seed)
    {
        if (!_greenLists.TryGetValue(seed, out bool[]? list))
        {
            var ids = new int[_size];
            HfKgwSeeding.GreenList(seed, vocabularySize, _permutation, ids);
            list = new bool[vocabularySize];
            foreach (int id in ids)
            {
                list[id] = true;
            }

            _greenLists[seed] = list;
        }

        return list;
    }
}
