using System;
using Distill.Tokenizers;

namespace Distill.Evaluation;

/// <summary>
/// Generates tokens from a <see cref="KneserNeyModel"/> with the step order of real inference
/// pipelines, optionally through a <see cref="WatermarkSession"/>.
/// </summary>
/// <remarks>
/// <para>Each step:</para>
/// <list type="number">
/// <item><description>the model's natural-log probabilities for the context (ids never seen in training are negative infinity);</description></item>
/// <item><description>division by the temperature (skipped when it is 0 or 1);</description></item>
/// <item><description>top-k, then top-p truncation: removed tokens are set to negative infinity;</description></item>
/// <item><description><see cref="WatermarkSession.ProcessLogits(Span{float})"/>, when a session is given;</description></item>
/// <item><description>the choice: the largest logit (lowest id among equals) at temperature 0, otherwise a draw from the softmax of the logits;</description></item>
/// <item><description><see cref="WatermarkSession.Accept(int)"/> with the chosen token.</description></item>
/// </list>
/// <para>
/// Draws come from xoshiro256** seeded with <see cref="SamplingOptions.Seed"/> at the start of each
/// call, one draw per sampled token, and sums are taken in double precision in token-id order, so a
/// seed gives the same tokens on every run. (The exponentials come from
/// <c>TensorPrimitives.Exp</c>; a platform whose last-bit rounding differs could in principle flip a
/// draw that lands within rounding distance of a token boundary.)
/// </para>
/// <para>
/// A generator owns buffers of the vocabulary's size and allocates nothing per generated token. It
/// is not thread-safe: use one generator per thread (the model may be shared).
/// </para>
/// </remarks>
public sealed class TextGenerator
{
    private readonly float[] _logits;
    private readonly float[] _scratch;
    private readonly long[] _keys;
    private readonly int[] _context;

    /// <summary>Initializes a generator over a model.</summary>
    /// <param name="model">The language model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public TextGenerator(KneserNeyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _logits = new float[model.VocabularySize];
        _scratch = new float[model.VocabularySize];
        _keys = new long[model.VocabularySize];
        _context = new int[model.Order];
    }

    /// <summary>Gets the language model.</summary>
    public KneserNeyModel Model { get; }

    /// <summary>Generates tokens following a prompt.</summary>
    /// <param name="prompt">The prompt's token ids; shorter than the model's context, it is taken as the start of a document.</param>
    /// <param name="destination">Receives the generated token ids; its length is the number of tokens to generate.</param>
    /// <param name="options">Temperature, truncation and seed.</param>
    /// <param name="session">
    /// A watermark session to bias each step, or <see langword="null"/>. The caller creates it, or
    /// resets it, with the same <paramref name="prompt"/> beforehand.
    /// </param>
    /// <returns>The number of tokens written: <paramref name="destination"/>'s length.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is negative or not below the model's vocabulary size.</exception>
    /// <exception cref="ArgumentException"><paramref name="session"/>'s vocabulary size differs from the model's.</exception>
    /// <exception cref="InvalidOperationException">The session masked every token.</exception>
    public int Generate(ReadOnlySpan<int> prompt, Span<int> destination, SamplingOptions options, WatermarkSession? session = null) =>
        GenerateWithEntropy(prompt, destination, options, session, []);

    /// <summary>
    /// Generates as <see cref="Generate(ReadOnlySpan{int}, Span{int}, SamplingOptions, WatermarkSession?)"/>
    /// does and, when <paramref name="entropies"/> is not empty, writes each step's entropy in nats of
    /// the sampling distribution after temperature and truncation and before the watermark (0 at
    /// temperature 0).
    /// </summary>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <param name="destination">Receives the generated token ids.</param>
    /// <param name="options">Temperature, truncation and seed.</param>
    /// <param name="session">A watermark session, or <see langword="null"/>.</param>
    /// <param name="entropies">Empty, or as long as <paramref name="destination"/>.</param>
    /// <returns>The number of tokens written.</returns>
    internal int GenerateWithEntropy(ReadOnlySpan<int> prompt, Span<int> destination, SamplingOptions options, WatermarkSession? session, Span<double> entropies)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!entropies.IsEmpty && entropies.Length != destination.Length)
        {
            throw new ArgumentException($"The entropies span has {entropies.Length} elements; {destination.Length} are needed.", nameof(entropies));
        }

        int vocabularySize = Model.VocabularySize;
        if (session is not null && session.VocabularySize != vocabularySize)
        {
            throw new ArgumentException($"The session's vocabulary size is {session.VocabularySize}; the model's is {vocabularySize}.", nameof(session));
        }

        LogitTransforms.ValidatePrompt(prompt, vocabularySize, nameof(prompt));

        // The model reads at most Order - 1 tokens of context; keep them in a small sliding window.
        int width = Model.Order - 1;
        Span<int> window = _context.AsSpan(0, width);
        ReadOnlySpan<int> tail = prompt.Length > width ? prompt[^width..] : prompt;
        tail.CopyTo(window);
        int filled = tail.Length;

        var random = new Xoshiro256StarStar(options.Seed);
        Span<float> logits = _logits;
        for (int step = 0; step < destination.Length; step++)
        {
            Model.GetLogProbabilities(window[..filled], logits);
            LogitTransforms.Truncate(logits, options, _scratch, _keys);
            if (!entropies.IsEmpty)
            {
                entropies[step] = options.Temperature == 0 ? 0 : LogitTransforms.Entropy(logits, _scratch);
            }

            session?.ProcessLogits(logits);
            int chosen = LogitTransforms.Choose(logits, options, ref random, _scratch);
            session?.Accept(chosen);
            destination[step] = chosen;

            if (width > 0)
            {
                if (filled == width)
                {
                    window[1..].CopyTo(window);
                    filled--;
                }

                window[filled++] = chosen;
            }
        }

        return destination.Length;
    }

    /// <summary>Encodes a text prompt, generates tokens after it and decodes them.</summary>
    /// <param name="tokenizer">The tokenizer the model was trained with.</param>
    /// <param name="prompt">The prompt text (normalized and encoded by <paramref name="tokenizer"/>).</param>
    /// <param name="maxTokens">The number of tokens to generate.</param>
    /// <param name="options">Temperature, truncation and seed.</param>
    /// <param name="session">
    /// A watermark session, or <see langword="null"/>. Unlike <see cref="Generate"/>, this method
    /// resets the session with the encoded prompt itself.
    /// </param>
    /// <returns>The prompt's tokens, the generated tokens and their text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/>, <paramref name="prompt"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tokenizer's or the session's vocabulary size differs from the model's.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The session masked every token.</exception>
    public GeneratedText GenerateText(TextTokenizer tokenizer, string prompt, int maxTokens, SamplingOptions options, WatermarkSession? session = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        if (tokenizer.VocabularySize != Model.VocabularySize)
        {
            throw new ArgumentException($"The tokenizer {tokenizer.Name} has {tokenizer.VocabularySize} ids; the model has {Model.VocabularySize}.", nameof(tokenizer));
        }

        int[] promptTokens = tokenizer.EncodeToIds(prompt);
        session?.Reset(promptTokens);
        int[] tokens = new int[maxTokens];
        Generate(promptTokens, tokens, options, session);
        return new GeneratedText(promptTokens, tokens, tokenizer.Decode(tokens));
    }
}
