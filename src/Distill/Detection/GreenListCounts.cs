using System.IO;
using System.Runtime.InteropServices;

namespace Distill.Detection;

/// <summary>The additive counts of green-list scoring (and of every scheme that scores tokens one by one).</summary>
[StructLayout(LayoutKind.Auto)]
internal struct GreenListCounts : IAccumulatorCounts
{
    public long Tokens;
    public long SkippedPrefix;
    public long SkippedRepeated;

    /// <summary>Tokens not scored because their pair is common in the reference text (reference filters only).</summary>
    public long SkippedCommon;
    public long Scored;
    public long Green;

    readonly long IAccumulatorCounts.Tokens => Tokens;

    readonly long IAccumulatorCounts.Scored => Scored;

    /// <summary>
    /// Writes the counts as little-endian 64-bit integers: tokens, prefix, repeated, then the common
    /// count only when <paramref name="withCommon"/> (states of schemes with a reference filter), then
    /// scored and green.
    /// </summary>
    public readonly void WriteTo(BinaryWriter writer, bool withCommon = false)
    {
        writer.Write(Tokens);
        writer.Write(SkippedPrefix);
        writer.Write(SkippedRepeated);
        if (withCommon)
        {
            writer.Write(SkippedCommon);
        }

        writer.Write(Scored);
        writer.Write(Green);
    }

    /// <summary>
    /// Reads counts written by <see cref="WriteTo"/> and refuses any that no scoring produces: every
    /// token is a prefix, a repeat or scored, and green tokens are scored ones (or, for schemes
    /// without green lists, there are none).
    /// </summary>
    /// <exception cref="InvalidDataException">The counts are inconsistent.</exception>
    /// <exception cref="EndOfStreamException">The data ends early.</exception>
    public static GreenListCounts ReadFrom(BinaryReader reader, bool hasGreen, bool withCommon = false)
    {
        var counts = new GreenListCounts
        {
            Tokens = reader.ReadInt64(),
            SkippedPrefix = reader.ReadInt64(),
            SkippedRepeated = reader.ReadInt64(),
            SkippedCommon = withCommon ? reader.ReadInt64() : 0,
            Scored = reader.ReadInt64(),
            Green = reader.ReadInt64(),
        };
        if (counts.Tokens < 0 || counts.SkippedPrefix < 0 || counts.SkippedRepeated < 0 || counts.SkippedCommon < 0 || counts.Scored < 0 || counts.Green < 0
            || (hasGreen ? counts.Green > counts.Scored : counts.Green != 0)
            || counts.SkippedPrefix > counts.Tokens || counts.SkippedRepeated > counts.Tokens || counts.SkippedCommon > counts.Tokens || counts.Scored > counts.Tokens
            || counts.Tokens - counts.SkippedPrefix - counts.SkippedRepeated - counts.SkippedCommon != counts.Scored)
        {
            throw new InvalidDataException("The accumulator data is inconsistent.");
        }

        return counts;
    }
}
