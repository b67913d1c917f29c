using System;

namespace Distill.Evaluation;

/// <summary>The result of <see cref="TextGenerator.GenerateText"/>: the prompt's tokens, the generated tokens and their text.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class GeneratedText
{
    internal GeneratedText(int[] promptTokens, int[] tokens, string text)
    {
        PromptTokens = promptTokens;
        Tokens = tokens;
        Text = text;
    }

    /// <summary>Gets the prompt's token ids.</summary>
    public ReadOnlyMemory<int> PromptTokens { get; }

    /// <summary>Gets the generated token ids (the prompt excluded).</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Gets the generated tokens decoded to text (the prompt excluded).</summary>
    public string Text { get; }

    /// <summary>Returns the generated text.</summary>
    /// <returns><see cref="Text"/>.</returns>
    public override string ToString() => Text;
}
