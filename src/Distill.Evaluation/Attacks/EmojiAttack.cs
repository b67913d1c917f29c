using System;
using System.Collections.Generic;
using Distill.Tokenizers;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// Simulates the emoji attack of Kirchenbauer et al., "A Watermark for Large Language Models"
/// (ICML 2023, §7): the attacker asks the model to write a marker (an emoji) between every two
/// words, then deletes the markers.
/// </summary>
/// <remarks>
/// <para>
/// What is modeled, precisely. Generation runs the step order of <see cref="TextGenerator"/>
/// (model log-probabilities, temperature, top-k, top-p, <see cref="WatermarkSession.ProcessLogits"/>,
/// the choice, <see cref="WatermarkSession.Accept"/>) with two differences:
/// </para>
/// <list type="number">
/// <item><description>
/// The marker is emitted where a word ends: whenever the token chosen at a step starts a new word
/// (its decoded text begins with whitespace), the previous emitted token was not the marker, and at
/// least one token has been generated, the session accepts the marker instead; the step is then
/// redone (same model distribution, the watermark now biased by a context ending in the marker, a
/// new draw), and whatever that draw gives is accepted, even if it does not start a word. So the
/// marker follows every word-ending token, and every word's first token, and the tokens after it
/// while the marker is inside the hash window, are watermarked with the marker in their context.
/// </description></item>
/// <item><description>
/// The language model's context never contains the markers: it models an instruction-following
/// model whose text is unchanged by the request, the attacker's best case (no loss of quality).
/// Only the watermark's context sees them.
/// </description></item>
/// </list>
/// <para>
/// The markers are then removed, as the attacker would (the positions this method inserted, not
/// other occurrences of the marker id). A detector then hashes contexts the generator never used.
/// With LeftHash (width 1) every token that followed a marker was seeded by the marker, so only the
/// tokens inside multi-token words keep their watermark: the attack the paper describes. SelfHash's
/// anchored min-hash resists in part: a token keeps its seed whenever the minimum over the window
/// comes from the token itself or from a word that is still in the window after the markers are
/// removed. Markers are inserted only between generated tokens, never before the first.
/// </para>
/// <para>
/// Draws come from xoshiro256** seeded with <see cref="SamplingOptions.Seed"/>; a seed gives the
/// same tokens on every run (one or two draws per generated token, so the tokens differ from
/// <see cref="TextGenerator.Generate"/>'s for the same seed). Each call allocates buffers of the
/// vocabulary's size; the generator's own buffers are not used, so the generator may be used
/// elsewhere meanwhile, but the session may not.
/// </para>
/// </remarks>
public static class EmojiAttack
{
    /// <summary>Generates with a marker after every word through a watermark session, then removes the markers.</summary>
    /// <param name="generator">The generator whose model writes the text.</param>
    /// <param name="tokenizer">The model's tokenizer, used to tell which tokens start a word.</param>
    /// <param name="session">The watermark session; the caller creates or resets it with <paramref name="prompt"/> beforehand.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <param name="tokenCount">The number of tokens to generate, markers not counted.</param>
    /// <param name="markerToken">The id of the marker (for example a one-token emoji).</param>
    /// <param name="options">Temperature, truncation and seed.</param>
    /// <returns>The tokens as emitted and with the markers removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/>, <paramref name="tokenizer"/>, <paramref name="session"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="tokenCount"/> is negative, or <paramref name="markerToken"/> or a prompt token is
    /// negative or not below the model's vocabulary size.
    /// </exception>
    /// <exception cref="ArgumentException">The tokenizer's or the session's vocabulary size differs from the model's.</exception>
    /// <exception cref="InvalidOperationException">The session masked every token.</exception>
    public static EmojiAttackResult Generate(
        TextGenerator generator,
        TextTokenizer tokenizer,
        WatermarkSession session,
        ReadOnlySpan<int> prompt,
        int tokenCount,
        int markerToken,
        SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCount);
        KneserNeyModel model = generator.Model;
        int vocabularySize = model.VocabularySize;
        if (markerToken < 0 || markerToken >= vocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(markerToken), markerToken, $"The marker must be a token id from 0 to {vocabularySize - 1}.");
        }

        if (tokenizer.VocabularySize != vocabularySize)
        {
            throw new ArgumentException($"The tokenizer {tokenizer.Name} has {tokenizer.VocabularySize} ids; the model has {vocabularySize}.", nameof(tokenizer));
        }

        if (session.VocabularySize != vocabularySize)
        {
            throw new ArgumentException($"The session's vocabulary size is {session.VocabularySize}; the model's is {vocabularySize}.", nameof(session));
        }

        LogitTransforms.ValidatePrompt(prompt, vocabularySize, nameof(prompt));

        var modelLogits = new float[vocabularySize];
        var logits = new float[vocabularySize];
        var scratch = new float[vocabularySize];
        var keys = new long[vocabularySize];
        var startsWord = new Dictionary<int, bool>();

        // The model's context: the last Order - 1 tokens of prompt and generated text, markers excluded.
        int width = model.Order - 1;
        var context = new List<int>(prompt.Length + tokenCount);
        context.AddRange(prompt);

        var emitted = new List<int>(2 * tokenCount);
        var tokens = new int[tokenCount];
        int markers = 0;
        bool lastWasMarker = false;
        var random = new Xoshiro256StarStar(options.Seed);
        for (int step = 0; step < tokenCount; step++)
        {
            int start = Math.Max(0, context.Count - width);
            model.GetLogProbabilities(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(context)[start..], modelLogits);
            LogitTransforms.Truncate(modelLogits, options, scratch, keys);

            int chosen = Choose(modelLogits, logits, session, options, ref random, scratch);
            if (step > 0 && !lastWasMarker && StartsWord(tokenizer, chosen, startsWord))
            {
                session.Accept(markerToken);
                emitted.Add(markerToken);
                markers++;
                chosen = Choose(modelLogits, logits, session, options, ref random, scratch);
            }

            session.Accept(chosen);
            emitted.Add(chosen);
            tokens[step] = chosen;
            context.Add(chosen);
            lastWasMarker = false;
        }

        return new EmojiAttackResult([.. emitted], tokens, markers);
    }

    // The watermark sees a fresh copy of the truncated model logits for each draw.
    private static int Choose(float[] modelLogits, float[] logits, WatermarkSession session, SamplingOptions options, ref Xoshiro256StarStar random, float[] scratch)
    {
        modelLogits.CopyTo(logits, 0);
        session.ProcessLogits(logits);
        return LogitTransforms.Choose(logits, options, ref random, scratch);
    }

    private static bool StartsWord(TextTokenizer tokenizer, int token, Dictionary<int, bool> cache)
    {
        if (!cache.TryGetValue(token, out bool starts))
        {
            string text = tokenizer.Decode([token]);
            starts = text.Length > 0 && char.IsWhiteSpace(text[0]);
            cache[token] = starts;
        }

        return starts;
    }
}
