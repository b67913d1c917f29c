using System;

namespace Distill.Radioactivity;

/// <summary>The running counts of a radioactivity test.</summary>
internal struct RadioactivityCounts
{
    public long Tokens;
    public long SkippedPrefix;
    public long Duplicates;
    public long ExcludedByPrompt;
    public long ExcludedRevealed;
    public long OutsideFilter;
    public long Scored;
    public UInt128 Sum;
}
