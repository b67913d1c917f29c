using System;

namespace Distill.Evaluation.Attacks;

/// <summary>The output of a <see cref="TokenAttack"/>: the attacked tokens and what was done to them.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class TokenAttackResult
{
    internal TokenAttackResult(int[] tokens, int sourceCount, int substituted, int inserted, int deleted)
    {
        Tokens = tokens;
        SourceCount = sourceCount;
        Substituted = substituted;
        Inserted = inserted;
        Deleted = deleted;
    }

    /// <summary>Gets the attacked token ids.</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Gets the number of tokens the attack received.</summary>
    public int SourceCount { get; }

    /// <summary>Gets the number of source tokens replaced by another token.</summary>
    public int Substituted { get; }

    /// <summary>Gets the number of tokens inserted.</summary>
    public int Inserted { get; }

    /// <summary>Gets the number of source tokens removed.</summary>
    public int Deleted { get; }
}
