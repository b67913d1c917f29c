using System;

namespace Distill.Evaluation.Attacks;

/// <summary>Keeps the first tokens of a stream and drops the rest (the seed is ignored).</summary>
/// <remarks>Measures detection power as a function of length. Immutable and thread-safe.</remarks>
public sealed class TokenTruncationAttack : TokenAttack
{
    /// <summary>Initializes the attack.</summary>
    /// <param name="maxTokens">The number of leading tokens kept; not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is negative.</exception>
    public TokenTruncationAttack(int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        MaxTokens = maxTokens;
    }

    /// <summary>Gets the number of leading tokens kept.</summary>
    public int MaxTokens { get; }

    /// <inheritdoc/>
    public override TokenAttackResult Apply(ReadOnlySpan<int> tokens, ulong seed)
    {
        ValidateTokens(tokens, nameof(tokens));
        int kept = Math.Min(MaxTokens, tokens.Length);
        return new TokenAttackResult(tokens[..kept].ToArray(), tokens.Length, 0, 0, tokens.Length - kept);
    }
}
