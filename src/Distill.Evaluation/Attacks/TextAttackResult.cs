namespace Distill.Evaluation.Attacks;

/// <summary>
/// The output of a <see cref="TextAttack"/>: the attacked text and what was done to it, counted in
/// the attack's unit (words for <see cref="WordEditAttack"/>, characters for <see cref="TextTruncationAttack"/>).
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class TextAttackResult
{
    internal TextAttackResult(string text, int sourceCount, int substituted, int inserted, int deleted)
    {
        Text = text;
        SourceCount = sourceCount;
        Substituted = substituted;
        Inserted = inserted;
        Deleted = deleted;
    }

    /// <summary>Gets the attacked text.</summary>
    public string Text { get; }

    /// <summary>Gets the number of units (words or characters) in the text the attack received.</summary>
    public int SourceCount { get; }

    /// <summary>Gets the number of source units replaced by another.</summary>
    public int Substituted { get; }

    /// <summary>Gets the number of units inserted.</summary>
    public int Inserted { get; }

    /// <summary>Gets the number of source units removed.</summary>
    public int Deleted { get; }

    /// <summary>Returns the attacked text.</summary>
    /// <returns><see cref="Text"/>.</returns>
    public override string ToString() => Text;
}
