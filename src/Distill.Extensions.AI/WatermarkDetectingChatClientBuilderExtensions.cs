using System;
using System.Collections.Generic;
using Distill.Detection;
using Distill.Tokenizers;
using Microsoft.Extensions.AI;

namespace Distill.Extensions.AI;

/// <summary>Adds a <see cref="WatermarkDetectingChatClient"/> to a chat-client pipeline.</summary>
public static class WatermarkDetectingChatClientBuilderExtensions
{
    /// <summary>Tests each response of the pipeline for the given watermarks and attaches the results.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="detectors">One detector per scheme and key to test for; at least one.</param>
    /// <param name="options">Detection options; the defaults when <see langword="null"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="detectors"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseWatermarkDetection(this ChatClientBuilder builder, IEnumerable<TextDetector> detectors, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(detectors);
        List<TextDetector> list = [.. detectors];
        return builder.Use(inner => new WatermarkDetectingChatClient(inner, list, options));
    }
}
