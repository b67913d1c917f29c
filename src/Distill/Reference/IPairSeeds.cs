using System;

namespace Distill.Reference;

/// <summary>What a reference filter needs from a green-list scheme: the seed of each position's context.</summary>
internal interface IPairSeeds
{
    /// <summary>Gets the vocabulary size.</summary>
    int VocabularySize { get; }

    /// <summary>
    /// Writes the seed that decides the greenness of each token of one document (validated), and returns
    /// how many leading tokens lack a full context (their seeds are not written).
    /// </summary>
    int SeedsOf(ReadOnlySpan<int> tokens, Span<ulong> seeds);
}
