using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.Tokenizers;
using Microsoft.Extensions.AI;

namespace Distill.Extensions.AI;

/// <summary>
/// A chat-client middleware that tests each response for one or more watermarks and attaches the
/// results to the response, leaving its text unchanged.
/// </summary>
/// <remarks>
/// <para>
/// The results, one <see cref="TextDetectionResult"/> per detector in the order given, are stored
/// as an <see cref="IReadOnlyList{T}"/> under <see cref="DetectionKey"/> in
/// <see cref="ChatResponse.AdditionalProperties"/>; read them with <see cref="GetDetections(ChatResponse)"/>.
/// A response without text gets an empty list. When streaming, the updates pass through
/// unchanged as they arrive, and one more update with no content, carrying the results in its
/// <see cref="ChatResponseUpdate.AdditionalProperties"/>, follows the last one
/// (<see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/> copies
/// them onto the combined response's last message, where <see cref="GetDetections(ChatResponse)"/>
/// finds them).
/// </para>
/// <para>
/// Thread-safe: the detectors are immutable and each call keeps its own state, so one instance
/// serves concurrent requests.
/// </para>
/// </remarks>
public sealed class WatermarkDetectingChatClient : DelegatingChatClient
{
    /// <summary>The key of the results in <see cref="AdditionalPropertiesDictionary"/>: <c>distill.detection</c>.</summary>
    public const string DetectionKey = "distill.detection";

    private readonly TextDetector[] _detectors;

    /// <summary>Initializes the middleware.</summary>
    /// <param name="innerClient">The client whose responses are tested.</param>
    /// <param name="detectors">One detector per scheme and key to test for; at least one.</param>
    /// <param name="options">Detection options; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="detectors"/> is <see langword="null"/>, or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="detectors"/> is empty.</exception>
    public WatermarkDetectingChatClient(IChatClient innerClient, IEnumerable<TextDetector> detectors, DetectionOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        _detectors = detectors.ToArray();
        if (_detectors.Length == 0)
        {
            throw new ArgumentException("Give at least one detector.", nameof(detectors));
        }

        foreach (TextDetector detector in _detectors)
        {
            ArgumentNullException.ThrowIfNull(detector, nameof(detectors));
        }

        Options = options ?? DetectionOptions.Default;
    }

    /// <summary>Gets the detection options.</summary>
    public DetectionOptions Options { get; }

    /// <summary>Gets the detection results attached to a response.</summary>
    /// <param name="response">A response that passed through this middleware.</param>
    /// <returns>The results, one per detector; <see langword="null"/> when the response carries none.</returns>
    /// <remarks>
    /// Looks in the response's <see cref="ChatResponse.AdditionalProperties"/>, then in its
    /// messages' from the last: a response combined from streamed updates carries the results on
    /// its last message.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<TextDetectionResult>? GetDetections(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        IReadOnlyList<TextDetectionResult>? found = Find(response.AdditionalProperties);
        for (int i = response.Messages.Count - 1; found is null && i >= 0; i--)
        {
            found = Find(response.Messages[i].AdditionalProperties);
        }

        return found;
    }

    /// <summary>Gets the detection results attached to a streamed update (the last one of a stream).</summary>
    /// <param name="update">An update that passed through this middleware.</param>
    /// <returns>The results, one per detector; <see langword="null"/> when the update carries none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<TextDetectionResult>? GetDetections(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Find(update.AdditionalProperties);
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ChatResponse response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[DetectionKey] = Detect(response.Text);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatResponseUpdate? last = null;
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            last = update;
            yield return update;
        }

        yield return new ChatResponseUpdate
        {
            Role = last?.Role ?? ChatRole.Assistant,
            ResponseId = last?.ResponseId,
            MessageId = last?.MessageId,
            ConversationId = last?.ConversationId,
            ModelId = last?.ModelId,
            AdditionalProperties = new AdditionalPropertiesDictionary { [DetectionKey] = Detect(text.ToString()) },
        };
    }

    // Read-only, so that one caller cannot change what another reads.
    private ReadOnlyCollection<TextDetectionResult> Detect(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ReadOnlyCollection<TextDetectionResult>.Empty;
        }

        var results = new TextDetectionResult[_detectors.Length];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = _detectors[i].Detect(text, Options);
        }

        return Array.AsReadOnly(results);
    }

    private static IReadOnlyList<TextDetectionResult>? Find(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(DetectionKey, out object? value) ? value as IReadOnlyList<TextDetectionResult> : null;
}
