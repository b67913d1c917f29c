using System;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// An attack on watermarked text: edits the string and reports what it did.
/// </summary>
/// <remarks>
/// Implementations are immutable, validate their options at construction, and are thread-safe.
/// Randomized attacks draw from xoshiro256** seeded with the seed passed to
/// <see cref="Apply(string, ulong)"/>; attacks that are not random ignore it.
/// </remarks>
public abstract class TextAttack
{
    /// <summary>Initializes the base class.</summary>
    protected TextAttack()
    {
    }

    /// <summary>Attacks a text.</summary>
    /// <param name="text">The text to attack.</param>
    /// <param name="seed">The seed of the attack's pseudo-random generator.</param>
    /// <returns>The attacked text and the counts of what changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public abstract TextAttackResult Apply(string text, ulong seed);
}
