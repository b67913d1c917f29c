namespace Distill.Fingerprinting;

/// <summary>How a pooled corpus's colour counts are turned into each position's weight in the Tardos score.</summary>
public enum PooledScore
{
    /// <summary>
    /// The weight is the position's tally, centred: (2 f - 1) - b (2 p - 1), with f the share of colour 1
    /// among its green tokens, p the position's Tardos bias, and b the least-squares slope of the first
    /// term on the second over the corpus. Subtracting what the bias alone explains leaves the part that
    /// identifies the contributors, which makes equal-share mixtures of many tenants far cheaper to trace.
    /// </summary>
    Centred = 0,

    /// <summary>
    /// Skoric et al.'s symmetric Tardos score: the weight is +1 or -1 by the majority colour (ties left
    /// out), as in the marking model where the corpus shows one symbol per position.
    /// </summary>
    Symmetric = 1,
}
