namespace Distill.GreenList;

/// <summary>How a green list is seeded from the context (Kirchenbauer et al., "On the Reliability of Watermarks for Large Language Models", 2024).</summary>
public enum KgwSeeding
{
    /// <summary>
    /// LeftHash: the green list at a position is a function of the previous
    /// <see cref="KgwOptions.ContextWidth"/> tokens only. One green list per step, so the bias is one
    /// vectorized pass over the logits.
    /// </summary>
    LeftHash = 0,

    /// <summary>
    /// SelfHash (the paper's Algorithm 3): the candidate token is hashed together with the previous
    /// <see cref="KgwOptions.ContextWidth"/> - 1 tokens through an anchored min-hash, so each candidate
    /// has its own seed; the highest-logit candidates are tested and the green ones biased.
    /// </summary>
    SelfHash = 1,
}
