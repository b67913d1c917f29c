using System;
using System.Collections.Generic;
using Distill.Detection;

namespace Distill.Tokenizers;

/// <summary>
/// Detects a watermark in text: normalizes and tokenizes it with the tokenizer the scheme was
/// deployed with, tests the whole text, and locates watermarked spans as character ranges of the
/// original text.
/// </summary>
/// <remarks>Thread-safe: the scheme and the tokenizer are immutable.</remarks>
public sealed class TextDetector
{
    /// <summary>Creates a detector for a scheme and the tokenizer its descriptor names.</summary>
    /// <param name="scheme">The scheme (from the profile the text was watermarked with).</param>
    /// <param name="tokenizer">The tokenizer; its name and vocabulary size must match the scheme's descriptor.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="DescriptorMismatchException">The tokenizer is not the one the descriptor names, or its vocabulary size differs.</exception>
    public TextDetector(WatermarkScheme scheme, TextTokenizer tokenizer)
    {
        CheckTokenizer(scheme, tokenizer);
        Scheme = scheme;
        Tokenizer = tokenizer;
    }

    /// <summary>Throws unless <paramref name="tokenizer"/> is the one <paramref name="scheme"/>'s descriptor names, with its vocabulary size.</summary>
    internal static void CheckTokenizer(WatermarkScheme scheme, TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (scheme.Descriptor.Tokenizer is { } name && !string.Equals(name, tokenizer.Name, StringComparison.Ordinal))
        {
            throw new DescriptorMismatchException($"The profile was made for tokenizer '{name}', not '{tokenizer.Name}': detection would score different token ids.");
        }

        if (scheme.VocabularySize != tokenizer.VocabularySize)
        {
            throw new DescriptorMismatchException($"The profile's vocabulary size is {scheme.VocabularySize}, but tokenizer '{tokenizer.Name}' has {tokenizer.VocabularySize}.");
        }
    }

    /// <summary>Gets the scheme.</summary>
    public WatermarkScheme Scheme { get; }

    /// <summary>Gets the tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>Tests a text and locates its watermarked spans.</summary>
    /// <param name="text">The text; not empty or white space only.</param>
    /// <param name="options">Detection options; the defaults when <see langword="null"/>.</param>
    /// <param name="localization">Localization options; the defaults when <see langword="null"/>.</param>
    /// <returns>The whole-text result and the spans.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is null, empty or white space only.</exception>
    public TextDetectionResult Detect(string text, DetectionOptions? options = null, LocalizationOptions? localization = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("The text is empty: there is nothing to test.", nameof(text));
        }

        options ??= DetectionOptions.Default;
        localization ??= LocalizationOptions.Default with { Deduplicate = options.Deduplicate };
        TokenizedText tokens = Tokenizer.Encode(text);
        ReadOnlySpan<int> ids = tokens.Ids.Span;
        DetectionResult detection = Scheme.Detect(ids, options);
        LocalizationResult located = Scheme.Localize(ids, localization);
        var spans = new List<TextWatermarkedSpan>(located.Spans.Count);
        foreach (WatermarkedSpan span in located.Spans)
        {
            spans.Add(new TextWatermarkedSpan(span, tokens.GetOriginalSpan(span.Start, span.End - span.Start)));
        }

        return new TextDetectionResult(tokens, detection, spans, located.WindowsSearched);
    }
}
