using System;
using Distill.Detection;

namespace Distill.GreenList;

/// <summary>What <see cref="GreenListAccumulator"/> needs from a green-list scheme (KGW, Unigram).</summary>
internal interface IGreenListScoring
{
    SchemeDescriptor Descriptor { get; }

    int VocabularySize { get; }

    double EffectiveGamma { get; }

    /// <summary>Scores validated tokens, continuing the stream whose state is <paramref name="window"/>.</summary>
    void Score(ReadOnlySpan<int> tokens, ref HashWindow window, SeedTokenSet? seen, ref GreenListCounts counts, Span<TokenScore> destination);

    /// <summary>Whether a stored (seed, token, green) entry is one that scoring can produce.</summary>
    bool IsConsistent(ulong seed, int token, bool green);
}
