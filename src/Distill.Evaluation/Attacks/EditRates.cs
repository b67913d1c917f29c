using System;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// The rates of an edit attack (<see cref="TokenEditAttack"/>, <see cref="WordEditAttack"/>):
/// each in [0, 1], validated at construction.
/// </summary>
/// <remarks>
/// <para>
/// Every unit of the source (a token or a word) is treated independently, in order: it is deleted
/// with probability <see cref="Deletion"/>; a unit that is kept is replaced with probability
/// <see cref="Substitution"/>; and, before each source unit, a random unit is inserted with
/// probability <see cref="Insertion"/>. So the number deleted is binomial over the source length,
/// the number substituted is binomial over the units kept, and the number inserted is binomial over
/// the source length. These are the random token and word edits of Kirchenbauer et al., "On the
/// Reliability of Watermarks for Large Language Models" (ICLR 2024), Kuditipudi et al., "Robust
/// Distortion-free Watermarks for Language Models" (TMLR 2024), and MarkLLM's editors.
/// </para>
/// <para>Instances are immutable.</para>
/// </remarks>
public sealed record EditRates
{
    /// <summary>Initializes the rates.</summary>
    /// <param name="substitution">The probability that a kept unit is replaced by a random one, in [0, 1].</param>
    /// <param name="insertion">The probability that a random unit is inserted before each source unit, in [0, 1].</param>
    /// <param name="deletion">The probability that a source unit is deleted, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is outside [0, 1] or NaN.</exception>
    public EditRates(double substitution = 0, double insertion = 0, double deletion = 0)
    {
        Substitution = Check(substitution, nameof(substitution));
        Insertion = Check(insertion, nameof(insertion));
        Deletion = Check(deletion, nameof(deletion));
    }

    /// <summary>Gets the rates that change nothing.</summary>
    public static EditRates None { get; } = new();

    /// <summary>Gets the probability that a kept unit is replaced by a random one.</summary>
    public double Substitution { get; }

    /// <summary>Gets the probability that a random unit is inserted before each source unit.</summary>
    public double Insertion { get; }

    /// <summary>Gets the probability that a source unit is deleted.</summary>
    public double Deletion { get; }

    private static double Check(double rate, string name) =>
        rate is >= 0 and <= 1
            ? rate
            : throw new ArgumentOutOfRangeException(name, rate, "An edit rate must be between 0 and 1.");
}
