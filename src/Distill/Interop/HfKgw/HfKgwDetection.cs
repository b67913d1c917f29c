using System;
using Distill.Statistics;

namespace Distill.Interop;

/// <summary>
/// transformers' <c>WatermarkDetector</c>, reproduced: drop a leading BOS, score every n-gram of length
/// <c>width + 1</c> (LeftHash) or <c>width</c> (SelfHash, the candidate included), green when its last
/// token is in the green list of the n-gram's seed; <c>z = (G - gamma T) / sqrt(T gamma (1 - gamma))</c>,
/// watermarked when z &gt; 3. The reference counts repeated n-grams again whatever its flag says;
/// <c>deduplicate</c> gives true tuple deduplication. Beside z: Distill's exact binomial p-value.
/// Seeds follow the reference's formulas with big integers; green lists come from a
/// <see cref="HfKgwGreenLists"/> cache (LeftHash has at most V distinct seeds). Thread-safe.
/// </summary>
internal sealed class HfKgwDetection
{
    private readonly HfKgwSeeding _seeding;
    private readonly HfKgwGreenLists _greenLists;
    private readonly double _gamma;
    private readonly bool _selfHash;
    private readonly int _contextWidth;

    public HfKgwDetection(HfKgwSeeding seeding, int vocabularySize, double gamma, bool selfHash, int contextWidth)
        : this(seeding, new HfKgwGreenLists(vocabularySize, HfKgwSeeding.GreenListSize(vocabularySize, gamma)), gamma, selfHash, contextWidth)
    {
    }

    public HfKgwDetection(HfKgwSeeding seeding, HfKgwGreenLists greenLists, double gamma, bool selfHash, int contextWidth)
    {
        _seeding = seeding;
        _greenLists = greenLists;
        _gamma = gamma;
        _selfHash = selfHash;
        _contextWidth = contextWidth;
    }

    /// <summary>Gets the null green probability as the reference draws it: (int)(V gamma) / V.</summary>
    public double EffectiveGamma => (double)_greenLists.GreenListSize / _greenLists.VocabularySize;

    public (int Scored, int Green, double ZScore, bool Watermarked, double Log10PValue) Detect(ReadOnlySpan<int> tokens, int? bosTokenId, bool deduplicate)
    {
        if (bosTokenId is { } bos && !tokens.IsEmpty && tokens[0] == bos)
        {
            tokens = tokens[1..];
        }

        int n = _selfHash ? _contextWidth : _contextWidth + 1;
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

            ulong seed = HfKgwSeeding.GeneratorSeed(_selfHash ? _seeding.SelfHashRawSeed(gram) : _seeding.LeftHashRawSeed(gram[^2]));
            scored++;
            green += _greenLists.IsGreen(seed, gram[^1]) ? 1 : 0;
        }

        double z = scored == 0 ? 0 : (green - (_gamma * scored)) / Math.Sqrt(scored * _gamma * (1 - _gamma));
        double log10 = scored == 0 ? 0 : Binomial.Log10UpperTail(green, scored, EffectiveGamma);
        return (scored, green, z, z > 3.0, log10);
    }

    /// <summary>The reference's p-value of a z-score: <c>1 - 0.5 (1 + sign(z) (1 - exp(-2 z^2 / pi)))</c>, a rough approximation of the normal tail.</summary>
    public static double ReferencePValue(double z) => 1 - (0.5 * (1 + (Math.Sign(z) * (1 - Math.Exp(-2 * z * z / Math.PI)))));
}
