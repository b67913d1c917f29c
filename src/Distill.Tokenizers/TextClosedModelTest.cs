using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.Radioactivity;

namespace Distill.Tokenizers;

/// <summary>
/// The closed-model radioactivity test (<see cref="ClosedModelTest"/>) over text: the prompts sent to
/// a suspect model and its responses, tokenized with the tokenizer our watermark uses.
/// </summary>
/// <remarks>
/// Texts are normalized and encoded as detection encodes them (<see cref="TextTokenizer.Encode"/>).
/// Add every prompt, whole, before the first output. Not thread-safe.
/// </remarks>
public sealed class TextClosedModelTest
{
    private readonly ClosedModelTest _test;
    private readonly TextTokenizer _tokenizer;

    /// <summary>Initializes a test for one scheme and key.</summary>
    /// <param name="scheme">Our scheme and key.</param>
    /// <param name="tokenizer">The tokenizer the scheme's descriptor names.</param>
    /// <param name="options">The options; <see cref="RadioactivityOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="DescriptorMismatchException">The tokenizer is not the scheme's, or the filter was built for another descriptor.</exception>
    /// <exception cref="NotSupportedException">The scheme has no radioactivity test (EXP-edit).</exception>
    public TextClosedModelTest(WatermarkScheme scheme, TextTokenizer tokenizer, RadioactivityOptions? options = null)
    {
        TextDetector.CheckTokenizer(scheme, tokenizer);
        _test = new ClosedModelTest(scheme, options);
        _tokenizer = tokenizer;
    }

    /// <summary>Records a prompt sent to the suspect: its contexts are never scored.</summary>
    /// <param name="prompt">The prompt's text, whole (for a chat, every message the suspect was given).</param>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">An output was already added.</exception>
    public void AddPrompt(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        _test.AddPrompt(_tokenizer.EncodeToIds(prompt));
    }

    /// <summary>Scores one response of the suspect.</summary>
    /// <param name="output">The response's text (an empty response adds nothing).</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is <see langword="null"/>.</exception>
    public void AddOutput(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _test.AddOutput(_tokenizer.EncodeToIds(output));
    }

    /// <summary>Gets the test's answer over everything added so far.</summary>
    /// <returns>The p-value and the counts behind it.</returns>
    public RadioactivityResult GetResult() => _test.GetResult();

    /// <summary>Builds the supervised filter from our own watermarked outputs, as text.</summary>
    /// <param name="scheme">The scheme and key the outputs were watermarked with.</param>
    /// <param name="tokenizer">The tokenizer the scheme's descriptor names.</param>
    /// <param name="watermarkedOutputs">Our outputs.</param>
    /// <returns>The filter of their contexts.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="DescriptorMismatchException">The tokenizer is not the scheme's.</exception>
    /// <exception cref="NotSupportedException">The scheme has no radioactivity test (EXP-edit).</exception>
    public static ContextFilter CreateFilter(WatermarkScheme scheme, TextTokenizer tokenizer, IEnumerable<string> watermarkedOutputs)
    {
        TextDetector.CheckTokenizer(scheme, tokenizer);
        ArgumentNullException.ThrowIfNull(watermarkedOutputs);
        return ContextFilter.Create(scheme, watermarkedOutputs.Select(text => (ReadOnlyMemory<int>)tokenizer.EncodeToIds(text ?? throw new ArgumentException("An output is null.", nameof(watermarkedOutputs)))));
    }
}
