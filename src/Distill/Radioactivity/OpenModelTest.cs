using System;
using Distill.Gumbel;

namespace Distill.Radioactivity;

/// <summary>
/// The open-model ("reading mode") radioactivity test of Sander et al. (NeurIPS 2024): our
/// watermarked texts are teacher-forced through the suspect, and its top-1 prediction after each
/// prefix is scored with our key after the text's context, deduplicated across the corpus, into one
/// exact p-value.
/// </summary>
/// <remarks>
/// <para>
/// A prediction is not scored when its (seed, token) pair already occurred as an actual pair before
/// it, in this text or an earlier one (counted in <see cref="RadioactivityResult.ExcludedRevealed"/>):
/// our watermark chose that token there, so the suspect, which may have read it in its context, could
/// copy it without having learned anything. Every other prediction's value, given all that came
/// before it, is at most as likely to be high as under the null distribution: the tokens our
/// watermark did not choose after a context are, if anything, less likely to be favoured. Because
/// which positions are scored depends on the text, and the text on the values already seen, the
/// p-value is anytime-valid: 1 / E for a mixture likelihood ratio E that is a nonnegative
/// supermartingale under the null hypothesis (Ville's inequality), about (1/2) log10 of the count
/// above the fixed-sample test's. With a <see cref="RadioactivityOptions.Filter"/> only contexts in
/// it are scored.
/// </para>
/// <para>A test is not thread-safe; the scheme may be shared.</para>
/// </remarks>
public sealed class OpenModelTest
{
    private readonly RadioactivityTally _tally;
    private readonly ContextSeedSet _revealed = new();
    private int[] _predictions = [];

    /// <summary>Initializes a test of a suspect's next-token predictions for one scheme and key.</summary>
    /// <param name="scheme">Our scheme and key.</param>
    /// <param name="options">The options; <see cref="RadioactivityOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The scheme has no context-dependent values to test (EXP-edit).</exception>
    /// <exception cref="Detection.DescriptorMismatchException">The filter was built for another scheme or key.</exception>
    public OpenModelTest(WatermarkScheme scheme, RadioactivityOptions? options = null)
    {
        _tally = new RadioactivityTally(scheme, options);
    }

    /// <summary>Teacher-forces one of our watermarked texts through the suspect and scores its predictions.</summary>
    /// <param name="watermarkedText">The token ids of a text watermarked with our key.</param>
    /// <param name="suspect">The suspect model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="suspect"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id of the text or a prediction is outside the vocabulary; nothing is scored.</exception>
    public void AddText(ReadOnlySpan<int> watermarkedText, INextTokenPredictor suspect)
    {
        ArgumentNullException.ThrowIfNull(suspect);
        int vocabularySize = _tally.VocabularySize;
        LogitsGuard.ValidateTokens(watermarkedText, vocabularySize, nameof(watermarkedText));
        int w = _tally.PrefixLength;
        Span<int> predictions = RadioactivityBuffers.Ensure(ref _predictions, watermarkedText.Length).AsSpan(0, watermarkedText.Length);
        predictions.Clear();
        for (int i = w; i < watermarkedText.Length; i++)
        {
            int predicted = suspect.PredictNextToken(watermarkedText[..i]);
            if ((uint)predicted >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(suspect), predicted, $"The suspect predicted token {predicted} after {i} tokens, outside the vocabulary of {vocabularySize}.");
            }

            predictions[i] = predicted;
        }

        _tally.AddPredictions(watermarkedText, predictions, _revealed);
    }

    /// <summary>Gets the test's answer over every text added so far.</summary>
    /// <returns>The p-value and the counts behind it.</returns>
    public RadioactivityResult GetResult() => _tally.GetResult();
}
