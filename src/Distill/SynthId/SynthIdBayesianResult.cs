namespace Distill.SynthId;

/// <summary>The score of a token stream under a <see cref="SynthIdBayesianDetector"/>.</summary>
/// <remarks>Made by <see cref="SynthIdBayesianDetector.Score"/> only: a result cannot be constructed or altered outside the library.</remarks>
public sealed record SynthIdBayesianResult
{
    /// <summary>Initializes a new instance of the <see cref="SynthIdBayesianResult"/> class.</summary>
    /// <param name="logLikelihoodRatio">The summed natural-log likelihood ratio.</param>
    /// <param name="scoredTokens">The number of tokens scored.</param>
    /// <param name="prior">The prior probability of a watermark.</param>
    /// <param name="posterior">The posterior probability of a watermark.</param>
    internal SynthIdBayesianResult(double logLikelihoodRatio, long scoredTokens, double prior, double posterior)
    {
        LogLikelihoodRatio = logLikelihoodRatio;
        ScoredTokens = scoredTokens;
        Prior = prior;
        Posterior = posterior;
    }

    /// <summary>Gets the natural log of P(g-values | watermarked) / P(g-values | not watermarked) under the trained models, summed over scored tokens.</summary>
    public double LogLikelihoodRatio { get; }

    /// <summary>Gets the number of tokens scored (the same tokens <see cref="WatermarkScheme.Detect"/> scores with deduplication).</summary>
    public long ScoredTokens { get; }

    /// <summary>Gets the prior probability of a watermark that was given.</summary>
    public double Prior { get; }

    /// <summary>Gets the posterior probability of a watermark: logistic(logit(prior) + log-likelihood ratio). Not a p-value.</summary>
    public double Posterior { get; }
}
