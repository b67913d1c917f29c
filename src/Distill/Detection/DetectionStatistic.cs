namespace Distill.Detection;

/// <summary>The test statistic behind a <see cref="DetectionResult"/>, which says how to read its <see cref="DetectionResult.Score"/>.</summary>
public enum DetectionStatistic
{
    /// <summary>The number of green tokens among the scored ones; exact binomial tail (KGW, Unigram).</summary>
    GreenCount = 0,

    /// <summary>The sum over scored tokens of -ln(1 - r) for the chosen token's keyed uniform r; exact Gamma(n, 1) tail (Gumbel-max).</summary>
    GumbelScore = 1,

    /// <summary>The mean g-value over scored tokens and tournament layers; exact binomial tail over all g-values (SynthID-Text).</summary>
    MeanGValue = 2,

    /// <summary>The weighted mean g-value over scored tokens and layers; conservative Chernoff tail from the exact moment generating function (SynthID-Text).</summary>
    WeightedMeanGValue = 3,

    /// <summary>The best edit-distance alignment of the text with a shift of the key sequence (lower is stronger); permutation p-value against fresh keys (EXP-edit).</summary>
    EditAlignment = 4,

    /// <summary>
    /// The largest sum of -ln(1 - xi) over the distinct (key position, token) pairs of an unedited alignment of a text
    /// block with a shift of the key sequence; exact Gamma tail times the number of blocks and shifts searched, a
    /// conservative p-value (EXP-edit's closed-form test, <see cref="ExpEdit.ExpEditTest.GammaBound"/>).
    /// </summary>
    AlignedGammaSum = 5,
}
