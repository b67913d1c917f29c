using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Linq;
using Distill.Evaluation;
using Distill.Evaluation.Serving;
using Distill.GreenList;
using Distill.Tokenizers;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Distill.Extensions.AI.Tests;

/// <summary>The shared pieces: the built-in student model, our key, prompts, and a real OpenAI client.</summary>
internal static class StudentServer
{
    public static TextTokenizer Tokenizer { get; } = BuiltInModel.Tokenizer;

    public static KgwScheme Scheme { get; } = CreateScheme(1);

    public static KgwScheme OtherScheme { get; } = CreateScheme(2);

    public static ChatCompletionServer Start(ChatCompletionServerOptions? options = null) =>
        ChatCompletionServer.Start(BuiltInModel.Model, Tokenizer, options);

    /// <summary>Held-out Brown prompts of 12 tokens, as text.</summary>
    public static List<ProbePrompt> Prompts(int count, int skip = 0) =>
        BrownCorpus.HeldOutPrompts(Tokenizer, 12, 100).Skip(skip).Take(count)
            .Select((p, i) => new ProbePrompt($"p{i + skip}", p.Text.Trim()))
            .Where(p => !string.IsNullOrWhiteSpace(p.Text)).ToList();

    public static IChatClient Client(ChatCompletionServer server) =>
        new OpenAIClient(new ApiKeyCredential("test"), new OpenAIClientOptions { Endpoint = server.Endpoint, RetryPolicy = new ClientRetryPolicy(0) })
            .GetChatClient("student").AsIChatClient();

    public static bool IsTransient(Exception ex) =>
        ex is ClientResultException { Status: 0 or 408 or 429 or >= 500 } || SuspectProbe.IsTransientByDefault(ex);

    public static ProbeOptions Options(int concurrency = 4, int maxTokens = 32) => new()
    {
        MaxConcurrency = concurrency,
        MaxAttempts = 4,
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(5),
        Seed = 1,
        ChatOptions = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 1, Seed = 7 },
        IsTransient = IsTransient,
    };

    private static KgwScheme CreateScheme(byte fill)
    {
        byte[] secret = new byte[WatermarkKey.SizeInBytes];
        Array.Fill(secret, fill);
        return KgwScheme.Create(WatermarkKey.FromBytes(secret), KgwOptions.Default, Tokenizer.VocabularySize, Tokenizer.Name);
    }
}
