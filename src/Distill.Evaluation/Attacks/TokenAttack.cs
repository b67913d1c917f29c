using System;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// An attack on a watermarked token stream: edits the tokens and reports what it did. Used to
/// measure how much of a watermark survives (robustness curves).
/// </summary>
/// <remarks>
/// Implementations are immutable, validate their options at construction, and are thread-safe.
/// Randomized attacks draw from xoshiro256** seeded with the seed passed to
/// <see cref="Apply(ReadOnlySpan{int}, ulong)"/>, so a seed gives the same output on every run and
/// platform; attacks that are not random ignore it.
/// </remarks>
public abstract class TokenAttack
{
    /// <summary>Initializes the base class.</summary>
    protected TokenAttack()
    {
    }

    /// <summary>Attacks a token stream.</summary>
    /// <param name="tokens">The token ids to attack (not modified).</param>
    /// <param name="seed">The seed of the attack's pseudo-random generator.</param>
    /// <returns>The attacked tokens and the counts of what changed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is negative.</exception>
    public abstract TokenAttackResult Apply(ReadOnlySpan<int> tokens, ulong seed);

    /// <summary>Throws if any token id is negative.</summary>
    private protected static void ValidateTokens(ReadOnlySpan<int> tokens, string name)
    {
        foreach (int token in tokens)
        {
            if (token < 0)
            {
                throw new ArgumentOutOfRangeException(name, token, "Token ids cannot be negative.");
            }
        }
    }
}
