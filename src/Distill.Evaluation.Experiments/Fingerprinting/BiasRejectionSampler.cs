using System;
using System.Numerics.Tensors;

namespace Distill.Evaluation.Fingerprinting;

/// <summary>
/// Generates watermarked text from a <see cref="KneserNeyModel"/> at temperature 1 without
/// truncation by rejection: a token drawn from the model is kept with probability
/// <c>e^(b(w) - max b)</c>, where <c>b</c> is the bias the session's
/// <see cref="WatermarkSession.ProcessLogits(Span{float})"/> adds at this step.
/// </summary>
/// <remarks>
/// The kept token has probability proportional to <c>p(w) e^b(w)</c>: the softmax of the logits
/// after <see cref="WatermarkSession.ProcessLogits(Span{float})"/>, as <see cref="TextGenerator"/>
/// samples it (a test checks this by chi-square against that path). The bias is read by passing
/// the session a span of zeros, so this holds for sessions that add a bias independent of the
/// logits (KGW LeftHash, the fingerprint scheme's sessions). It skips the model's pass over the
/// whole vocabulary, the slow part of <see cref="TextGenerator"/>. Not thread-safe: one instance per thread.
/// </remarks>
internal sealed class BiasRejectionSampler
{
    private readonly float[] _bias;
    private readonly int[] _window;

    public BiasRejectionSampler(KneserNeyModel model)
    {
        Model = model;
        _bias = new float[model.VocabularySize];
        _window = new int[model.Order - 1];
    }

    public KneserNeyModel Model { get; }

    /// <summary>Fills <paramref name="destination"/> after <paramref name="prompt"/>; the session was created (or reset) with that prompt.</summary>
    public void Generate(WatermarkSession session, ReadOnlySpan<int> prompt, Span<int> destination, ulong seed)
    {
        int width = _window.Length;
        if (prompt.Length < width)
        {
            throw new ArgumentException("The prompt must hold a full model context.", nameof(prompt));
        }

        Span<int> window = _window;
        prompt[^width..].CopyTo(window);
        var random = new Xoshiro256StarStar(seed);
        for (int i = 0; i < destination.Length; i++)
        {
            Array.Clear(_bias);
            session.ProcessLogits(_bias);
            int token = Draw(Model, _bias, TensorPrimitives.Max<float>(_bias), window, ref random);
            session.Accept(token);
            destination[i] = token;
            if (width > 0)
            {
                window[1..].CopyTo(window);
                window[^1] = token;
            }
        }
    }

    /// <summary>One draw after a model context, given the bias of this step and its largest value.</summary>
    public static int Draw(KneserNeyModel model, ReadOnlySpan<float> bias, float max, ReadOnlySpan<int> context, ref Xoshiro256StarStar random)
    {
        int token;
        do
        {
            token = model.Sample(context, ref random);
        }
        while (random.NextDouble() >= Math.Exp(bias[token] - (double)max));

        return token;
    }
}
