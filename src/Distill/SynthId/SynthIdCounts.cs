using System.Runtime.InteropServices;
using Distill.Detection;

namespace Distill.SynthId;

/// <summary>The additive counts of SynthID scoring: tokens, skips, scored tokens and the ones of each layer.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct SynthIdCounts : IAccumulatorCounts
{
    public long Tokens;
    public long SkippedPrefix;

    /// <summary>Tokens whose context occurred among the previous ContextHistory contexts of the document.</summary>
    public long SkippedMasked;

    /// <summary>Tokens whose (context, token) pair was already scored (deduplication).</summary>
    public long SkippedDuplicate;
    public long Scored;

    /// <summary>The number of g-values equal to 1 over scored tokens and layers.</summary>
    public long Ones;
    public LayerTally Layers;

    readonly long IAccumulatorCounts.Tokens => Tokens;

    readonly long IAccumulatorCounts.Scored => Scored;

    public readonly GreenListCounts ToGreenListCounts() => new()
    {
        Tokens = Tokens,
        SkippedPrefix = SkippedPrefix,
        SkippedRepeated = SkippedMasked + SkippedDuplicate,
        Scored = Scored,
    };
}
