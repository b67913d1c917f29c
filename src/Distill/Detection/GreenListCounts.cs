using System.Runtime.InteropServices;

namespace Distill.Detection;

/// <summary>The additive counts of green-list scoring.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct GreenListCounts
{
    public long Tokens;
    public long SkippedPrefix;
    public long SkippedRepeated;
    public long Scored;
    public long Green;
}
