using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Distill.Evaluation.Serving;
using Distill.Tokenizers;
using Microsoft.Extensions.AI;

namespace Distill.Extensions.AI.Tests;

public sealed class WatermarkDetectingChatClientTests
{
    private static readonly TextDetector[] s_detectors =
    [
        new(StudentServer.Scheme, StudentServer.Tokenizer),
        new(StudentServer.OtherScheme, StudentServer.Tokenizer),
    ];

    private static ChatOptions Chat => new() { MaxOutputTokens = 200, Temperature = 1, Seed = 3 };

    [Fact]
    public async Task AWatermarkedServersResponseTestsPositiveForItsKeyOnly()
    {
        using ChatCompletionServer server = StudentServer.Start(new ChatCompletionServerOptions { Scheme = StudentServer.Scheme });
        using IChatClient client = new ChatClientBuilder(StudentServer.Client(server)).UseWatermarkDetection(s_detectors).Build();
        string prompt = StudentServer.Prompts(1)[0].Text;
        ChatResponse response = await client.GetResponseAsync(prompt, Chat);
        Assert.Equal(server.Reply(prompt, 200, 1, 3), response.Text);
        IReadOnlyList<TextDetectionResult> results = WatermarkDetectingChatClient.GetDetections(response)!;
        Assert.Equal(2, results.Count);
        Assert.Equal(StudentServer.Scheme.Descriptor.KeyId, results[0].Detection.KeyId);
        Assert.True(results[0].Detection.IsWatermarked(1e-6), $"log10 p = {results[0].Detection.Log10PValue}");
        Assert.False(results[1].Detection.IsWatermarked(0.01), $"log10 p = {results[1].Detection.Log10PValue}");
    }

    [Fact]
    public async Task AnUnwatermarkedServersResponseTestsNegative()
    {
        using ChatCompletionServer server = StudentServer.Start();
        using IChatClient client = new WatermarkDetectingChatClient(StudentServer.Client(server), s_detectors);
        ChatResponse response = await client.GetResponseAsync(StudentServer.Prompts(1)[0].Text, Chat);
        IReadOnlyList<TextDetectionResult> results = WatermarkDetectingChatClient.GetDetections(response)!;
        Assert.All(results, r => Assert.False(r.Detection.IsWatermarked(0.01), $"log10 p = {r.Detection.Log10PValue}"));
    }

    [Fact]
    public async Task StreamedResponsesGetTheResultInAFinalUpdateAndPassThroughUnchanged()
    {
        using ChatCompletionServer server = StudentServer.Start(new ChatCompletionServerOptions { Scheme = StudentServer.Scheme });
        using IChatClient client = new ChatClientBuilder(StudentServer.Client(server)).UseWatermarkDetection(s_detectors).Build();
        string prompt = StudentServer.Prompts(1, skip: 1)[0].Text;
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(prompt, Chat))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 3);
        Assert.All(updates[..^1], u => Assert.Null(WatermarkDetectingChatClient.GetDetections(u)));
        IReadOnlyList<TextDetectionResult> results = WatermarkDetectingChatClient.GetDetections(updates[^1])!;
        Assert.True(results[0].Detection.IsWatermarked(1e-6), $"log10 p = {results[0].Detection.Log10PValue}");
        Assert.False(results[1].Detection.IsWatermarked(0.01));

        ChatResponse combined = updates.ToChatResponse();
        Assert.Equal(server.Reply(prompt, 200, 1, 3), combined.Text);
        Assert.Same(results, WatermarkDetectingChatClient.GetDetections(combined));
    }

    [Fact]
    public async Task AnEmptyResponseGetsAnEmptyList()
    {
        using var inner = new FixedClient(" ");
        using var client = new WatermarkDetectingChatClient(inner, s_detectors);
        ChatResponse response = await client.GetResponseAsync("hi");
        Assert.Empty(WatermarkDetectingChatClient.GetDetections(response)!);
        Assert.Null(WatermarkDetectingChatClient.GetDetections(new ChatResponse()));
        Assert.Throws<ArgumentException>(() => new WatermarkDetectingChatClient(inner, []));
    }

    private sealed class FixedClient(string text) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, System.Threading.CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, System.Threading.CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
