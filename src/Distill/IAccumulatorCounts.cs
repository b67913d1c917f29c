namespace Distill;

/// <summary>The two counts every accumulator reports, read from its scheme's own counts struct.</summary>
internal interface IAccumulatorCounts
{
    /// <summary>Gets the number of tokens appended.</summary>
    long Tokens { get; }

    /// <summary>Gets the number of tokens scored.</summary>
    long Scored { get; }
}
