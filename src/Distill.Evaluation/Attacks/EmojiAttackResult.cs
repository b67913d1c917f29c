using System;

namespace Distill.Evaluation.Attacks;

/// <summary>The output of <see cref="EmojiAttack.Generate"/>: the tokens as emitted (markers included) and after the markers were removed.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class EmojiAttackResult
{
    internal EmojiAttackResult(int[] emitted, int[] tokens, int markerCount)
    {
        EmittedTokens = emitted;
        Tokens = tokens;
        MarkerCount = markerCount;
    }

    /// <summary>Gets the tokens in the order the watermark session accepted them: the generated tokens with the markers between words.</summary>
    public ReadOnlyMemory<int> EmittedTokens { get; }

    /// <summary>Gets the generated tokens with the inserted markers removed: what the attacker publishes.</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Gets the number of markers inserted (and removed).</summary>
    public int MarkerCount { get; }
}
