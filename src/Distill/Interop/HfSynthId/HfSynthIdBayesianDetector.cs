using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Distill.Interop;

/// <summary>
/// transformers' <c>BayesianDetectorModel</c> for SynthID-Text, given its trained weights: the
/// posterior probability that a text is watermarked, from its g-values and masks.
/// </summary>
/// <remarks>
/// <para>
/// The reference's model: for each unmasked n-gram and layer l, the watermarked likelihood is
/// 0.5 ((g_l + 0.5) p2_l + (1 - p2_l)) with p2_l = sigmoid(beta_l + sum_{k &lt; l} delta[l, k] g_k) (the
/// strictly lower triangle of delta, <c>tril(diagonal=-1)</c>), the unwatermarked likelihood 0.5; both are
/// clamped below at 1e-30 before the log. The log-odds are summed over unmasked n-grams and layers and
/// added to logit(prior), the prior clamped to [1e-5, 1 - 1e-5]; the posterior is the sigmoid of that sum.
/// Computed in double precision (the reference's float32 agrees to its rounding).
/// </para>
/// <para>
/// A posterior is not a p-value: it depends on the prior and on how well the trained weights describe
/// the model that wrote the text, and gives no error-rate guarantee under the null. Report Distill's
/// p-values (<see cref="WatermarkScheme.Detect"/>) for decisions that need one.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class HfSynthIdBayesianDetector
{
    private readonly double[] _beta;
    private readonly double[] _delta;

    /// <summary>Creates the detector from trained weights.</summary>
    /// <param name="beta">The per-layer biases (length = depth).</param>
    /// <param name="delta">The layer interaction weights, depth x depth; only the strictly lower triangle is used.</param>
    /// <param name="prior">The prior probability of a watermark (the reference's <c>prior</c> parameter, its <c>base_rate</c> at initialization).</param>
    /// <exception cref="ArgumentNullException"><paramref name="beta"/> or <paramref name="delta"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The shapes disagree, the depth is 0, or a weight is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="prior"/> is NaN or outside [0, 1].</exception>
    public HfSynthIdBayesianDetector(double[] beta, double[,] delta, double prior)
    {
        ArgumentNullException.ThrowIfNull(beta);
        ArgumentNullException.ThrowIfNull(delta);
        int depth = beta.Length;
        if (depth == 0 || delta.GetLength(0) != depth || delta.GetLength(1) != depth)
        {
            throw new ArgumentException($"beta has {depth} entries but delta is {delta.GetLength(0)} x {delta.GetLength(1)}; delta must be depth x depth with depth at least 1.", nameof(delta));
        }

        if (double.IsNaN(prior) || prior < 0.0 || prior > 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(prior), prior, "The prior must be a probability.");
        }

        _beta = (double[])beta.Clone();
        _delta = new double[depth * depth];
        for (int l = 0; l < depth; l++)
        {
            if (!double.IsFinite(beta[l]))
            {
                throw new ArgumentException($"beta[{l}] is not finite.", nameof(beta));
            }

            for (int k = 0; k < depth; k++)
            {
                if (!double.IsFinite(delta[l, k]))
                {
                    throw new ArgumentException($"delta[{l}, {k}] is not finite.", nameof(delta));
                }

                _delta[(l * depth) + k] = delta[l, k];
            }
        }

        Prior = prior;
    }

    /// <summary>Gets the number of layers the weights were trained for.</summary>
    public int Depth => _beta.Length;

    /// <summary>Gets the prior probability of a watermark.</summary>
    public double Prior { get; }

    /// <summary>
    /// Reads weights from JSON: <c>{"beta": [depth numbers], "delta": [[depth numbers] x depth], "prior": number}</c>
    /// (for example exported from the reference's <c>likelihood_model_watermarked.beta</c>, <c>.delta</c>
    /// squeezed, and <c>prior</c>).
    /// </summary>
    /// <param name="source">The JSON stream.</param>
    /// <returns>The detector.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed or lacks a field, or the weights are invalid.</exception>
    public static HfSynthIdBayesianDetector ReadJson(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            using JsonDocument document = JsonDocument.Parse(source);
            JsonElement root = document.RootElement;
            JsonElement betaElement = root.GetProperty("beta"), deltaElement = root.GetProperty("delta");
            int depth = betaElement.GetArrayLength();
            var beta = new double[depth];
            for (int l = 0; l < depth; l++)
            {
                beta[l] = betaElement[l].GetDouble();
            }

            if (deltaElement.GetArrayLength() != depth)
            {
                throw new InvalidDataException($"delta has {deltaElement.GetArrayLength()} rows; beta has {depth} entries.");
            }

            var delta = new double[depth, depth];
            for (int l = 0; l < depth; l++)
            {
                JsonElement row = deltaElement[l];
                if (row.GetArrayLength() != depth)
                {
                    throw new InvalidDataException($"delta row {l} has {row.GetArrayLength()} entries; expected {depth}.");
                }

                for (int k = 0; k < depth; k++)
                {
                    delta[l, k] = row[k].GetDouble();
                }
            }

            return new HfSynthIdBayesianDetector(beta, delta, root.GetProperty("prior").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"The Bayesian detector weights are invalid: {e.Message}", e);
        }
    }

    /// <summary>The summed log-odds (natural log) of the unmasked n-grams, prior included.</summary>
    /// <param name="gValues">The g-values, n-gram by n-gram (<see cref="Depth"/> per n-gram), each 0 or 1.</param>
    /// <param name="mask">One entry per n-gram: true where it counts.</param>
    /// <returns>logit(prior) plus the sum of the log likelihood ratios.</returns>
    /// <exception cref="ArgumentException">The lengths disagree or a g-value is not 0 or 1.</exception>
    public double LogOdds(ReadOnlySpan<byte> gValues, ReadOnlySpan<bool> mask)
    {
        int depth = Depth;
        if (gValues.Length != mask.Length * depth)
        {
            throw new ArgumentException($"{gValues.Length} g-values for {mask.Length} n-grams of depth {depth}.", nameof(gValues));
        }

        double prior = Math.Clamp(Prior, 1e-5, 1 - 1e-5);
        double sum = Math.Log(prior) - Math.Log(1 - prior);
        double unwatermarked = Math.Log(0.5);
        for (int i = 0; i < mask.Length; i++)
        {
            ReadOnlySpan<byte> g = gValues.Slice(i * depth, depth);
            for (int l = 0; l < depth; l++)
            {
                if (g[l] > 1)
                {
                    throw new ArgumentException($"g-value {g[l]} at n-gram {i}, layer {l} is not 0 or 1.", nameof(gValues));
                }

                if (!mask[i])
                {
                    continue;
                }

                double logit = _beta[l];
                for (int k = 0; k < l; k++)
                {
                    logit += _delta[(l * depth) + k] * g[k];
                }

                double two = 1.0 / (1.0 + Math.Exp(-logit));
                double watermarked = 0.5 * (((g[l] + 0.5) * two) + (1.0 - two));
                sum += Math.Log(Math.Max(watermarked, 1e-30)) - unwatermarked;
            }
        }

        return sum;
    }

    /// <summary>The posterior probability of a watermark: the sigmoid of <see cref="LogOdds"/>.</summary>
    /// <param name="gValues">The g-values, n-gram by n-gram.</param>
    /// <param name="mask">One entry per n-gram: true where it counts.</param>
    /// <returns>The posterior in [0, 1] (not a p-value).</returns>
    /// <exception cref="ArgumentException">The lengths disagree or a g-value is not 0 or 1.</exception>
    public double Posterior(ReadOnlySpan<byte> gValues, ReadOnlySpan<bool> mask) => 1.0 / (1.0 + Math.Exp(-LogOdds(gValues, mask)));

    /// <summary>The posterior of generated tokens under a scheme, with the reference's g-values and combined mask (as the reference computes them).</summary>
    /// <param name="scheme">The scheme (its depth must be this detector's).</param>
    /// <param name="tokens">The generated tokens.</param>
    /// <returns>The posterior in [0, 1] (not a p-value).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The scheme's depth differs from the detector's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public double Posterior(HfSynthIdScheme scheme, ReadOnlySpan<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if (scheme.Depth != Depth)
        {
            throw new ArgumentException($"The scheme has depth {scheme.Depth}, the detector {Depth}.", nameof(scheme));
        }

        HfSynthIdReferenceScores scores = scheme.ScoreReference(tokens);
        var mask = new bool[scores.NgramCount];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = scores.ContextRepetitionMask[i] && scores.EosMask[i];
        }

        return Posterior(scores.GValues.Span, mask);
    }
}
