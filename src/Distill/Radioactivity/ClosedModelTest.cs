using System;
using Distill.Gumbel;

namespace Distill.Radioactivity;

/// <summary>
/// The closed-model radioactivity test of Sander, Fernandez, Durmus, Douze and Furon ("Watermarking
/// Makes Language Models Radioactive", NeurIPS 2024): was a suspect model trained on text watermarked
/// with our key? Only its outputs are needed (for example responses of its chat endpoint).
/// </summary>
/// <remarks>
/// <para>
/// Each output token is scored with our key after its context, exactly as detection scores it, with
/// three rules that keep the p-value exact when the suspect never saw our watermarked text:
/// every (seed, token) pair is scored once across the whole corpus (a model repeats itself across
/// outputs); every token whose context, or whose (seed, token) pair, occurs in a prompt sent to the
/// suspect is excluded (a watermarked prompt would otherwise be copied into the answer and fake a
/// positive); and, in the supervised setting, only contexts in the <see cref="RadioactivityOptions.Filter"/>
/// (the contexts of our own watermarked outputs) are scored. Under the null hypothesis the scored
/// values are then independent draws of the scheme's null distribution, and one exact test over all
/// of them gives the p-value: binomial (KGW, Unigram), gamma (Gumbel-max, summing every variant),
/// binomial over the g-values (SynthID-Text).
/// </para>
/// <para>
/// Add every prompt (whole, as sent) before the first output. A test is not thread-safe; the scheme may be shared.
/// </para>
/// </remarks>
public sealed class ClosedModelTest
{
    private readonly RadioactivityTally _tally;
    private readonly ContextSeedSet _promptUnits = new();
    private readonly ContextSeedSet _promptPairs = new();
    private bool _outputsStarted;

    /// <summary>Initializes a test of a suspect's outputs for one scheme and key.</summary>
    /// <param name="scheme">Our scheme and key.</param>
    /// <param name="options">The options; <see cref="RadioactivityOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The scheme has no context-dependent values to test (EXP-edit).</exception>
    /// <exception cref="Detection.DescriptorMismatchException">The filter was built for another scheme or key.</exception>
    public ClosedModelTest(WatermarkScheme scheme, RadioactivityOptions? options = null)
    {
        _tally = new RadioactivityTally(scheme, options);
    }

    /// <summary>Records a prompt sent to the suspect: its contexts and pairs are never scored.</summary>
    /// <param name="prompt">The prompt's token ids, whole.</param>
    /// <exception cref="InvalidOperationException">An output was already added.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is recorded.</exception>
    public void AddPrompt(ReadOnlySpan<int> prompt)
    {
        if (_outputsStarted)
        {
            throw new InvalidOperationException("Add every prompt before the first output: outputs already scored cannot be excluded afterwards.");
        }

        LogitsGuard.ValidateTokens(prompt, _tally.VocabularySize, nameof(prompt));
        _tally.AddPrompt(prompt, _promptUnits, _promptPairs);
    }

    /// <summary>Scores one output of the suspect (one document).</summary>
    /// <param name="output">The output's token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is scored.</exception>
    public void AddOutput(ReadOnlySpan<int> output)
    {
        LogitsGuard.ValidateTokens(output, _tally.VocabularySize, nameof(output));
        _outputsStarted = true;
        _tally.AddOutput(output, _promptUnits, _promptPairs);
    }

    /// <summary>Gets the test's answer over everything added so far.</summary>
    /// <returns>The p-value and the counts behind it.</returns>
    public RadioactivityResult GetResult() => _tally.GetResult();
}
