using Distill.Interop;

namespace Distill.Cli;

/// <summary>The other stack's own figures in <c>distill detect</c>'s output, for a compatibility profile.</summary>
/// <param name="Name">The reference implementation.</param>
/// <param name="Score">Its score.</param>
/// <param name="Scored">The number of positions it scored.</param>
/// <param name="ZScore">Its z-score, where it computes one.</param>
/// <param name="Log10PValue">The base-10 logarithm of its p-value, where it computes one.</param>
/// <param name="Watermarked">Its verdict, where it gives one.</param>
/// <param name="BayesianPosterior">The posterior of transformers' Bayesian SynthID detector (--bayesian), not a p-value.</param>
internal sealed record DetectReferenceOutput(string Name, double Score, int Scored, double? ZScore, double? Log10PValue, bool? Watermarked, double? BayesianPosterior)
{
    /// <summary>The output of a reference's figures, with the Bayesian posterior when there is one.</summary>
    public static DetectReferenceOutput From(ReferenceResult r, double? bayesianPosterior) =>
        new(r.Implementation, r.Score, r.ScoredCount, r.ZScore, r.Log10PValue, r.IsWatermarked, bayesianPosterior);
}
