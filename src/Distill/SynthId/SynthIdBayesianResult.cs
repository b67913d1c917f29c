namespace Distill.SynthId;

/// <summary>The score of a token stream under a <see cref="SynthIdBayesianDetector"/>.</summary>
/// <param name="LogLikelihoodRatio">The natural log of P(g-values | watermarked) / P(g-values | not watermarked) under the trained models, summed over scored tokens.</param>
/// <param name="ScoredTokens">The number of tokens scored (the same tokens <see cref="WatermarkScheme.Detect"/> scores with deduplication).</param>
/// <param name="Prior">The prior probability of a watermark that was given.</param>
/// <param name="Posterior">The posterior probability of a watermark: logistic(logit(prior) + log-likelihood ratio). Not a p-value.</param>
public sealed record SynthIdBayesianResult(double LogLikelihoodRatio, long ScoredTokens, double Prior, double Posterior);
