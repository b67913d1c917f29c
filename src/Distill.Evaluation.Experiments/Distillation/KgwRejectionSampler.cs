using System;
using Distill.GreenList;

namespace Distill.Evaluation.Distillation;

/// <summary>
/// Generates KGW LeftHash watermarked text from a <see cref="KneserNeyModel"/> by rejection: a token
/// drawn from the model is kept when green, and kept with probability <c>e^-δ</c> when red.
/// </summary>
/// <remarks>
/// The kept token has probability proportional to <c>p(w) e^{δ [w green]}</c>, the softmax of the
/// logits after <see cref="WatermarkSession.ProcessLogits(Span{float})"/> at temperature 1 without
/// truncation (a test checks this by chi-square against that path). It touches a few tokens instead
/// of the whole vocabulary, so the calibration can generate a teacher corpus under each of many keys.
/// LeftHash only: SelfHash greenness depends on the candidate and on which candidates are tested.
/// </remarks>
internal static class KgwRejectionSampler
{
    public static void Generate(KneserNeyModel model, KgwScheme scheme, ReadOnlySpan<int> prompt, Span<int> destination, ulong seed)
    {
        if (scheme.Options.Seeding != KgwSeeding.LeftHash)
        {
            throw new ArgumentException("The rejection sampler needs LeftHash seeding.", nameof(scheme));
        }

        int h = scheme.Options.PrefixLength;
        if (prompt.Length < Math.Max(h, model.Order - 1))
        {
            throw new ArgumentException("The prompt must hold a full context.", nameof(prompt));
        }

        double redAcceptance = RedAcceptance(scheme);
        var random = new Xoshiro256StarStar(seed);
        int width = Math.Max(h, model.Order - 1);
        int[] text = new int[width + destination.Length];
        prompt[^width..].CopyTo(text);
        for (int i = 0; i < destination.Length; i++)
        {
            int token = Next(model, scheme, text.AsSpan(i, width), redAcceptance, ref random);
            text[width + i] = token;
            destination[i] = token;
        }
    }

    /// <summary>The probability of keeping a red token: e^-δ, with δ rounded to single precision as the session adds it.</summary>
    public static double RedAcceptance(KgwScheme scheme) => Math.Exp(-(float)scheme.Options.Delta);

    /// <summary>One watermarked draw after a context of at least the scheme's prefix length and the model's context.</summary>
    public static int Next(KneserNeyModel model, KgwScheme scheme, ReadOnlySpan<int> context, double redAcceptance, ref Xoshiro256StarStar random)
    {
        int h = scheme.Options.PrefixLength;
        int token;
        do
        {
            token = model.Sample(context, ref random);
        }
        while (!scheme.IsGreen(context[^h..], token) && random.NextDouble() >= redAcceptance);

        return token;
    }
}
