using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Distill.Evaluation;
using Distill.Evaluation.Serving;
using Distill.Radioactivity;

namespace Distill.Extensions.AI.Tests;

public sealed class ProbeRadioactivityTests
{
    [Fact]
    public async Task ASuspectWhoseRepliesCarryOurWatermarkTestsPositive()
    {
        RadioactivityResult result = await ProbeAsync(new ChatCompletionServerOptions { Scheme = StudentServer.Scheme }, StudentServer.Prompts(20));
        Assert.True(result.IsSignificant(1e-6), $"log10 p = {result.Log10PValue}");
        Assert.True(result.ScoredTokens > 500);
        Assert.Equal(StudentServer.Scheme.Descriptor.KeyId, result.KeyId);
    }

    [Fact]
    public async Task ASuspectWithPlainRepliesTestsNegative()
    {
        RadioactivityResult result = await ProbeAsync(new ChatCompletionServerOptions(), StudentServer.Prompts(20));
        Assert.True(result.ScoredTokens > 500, $"{result.ScoredTokens} scored of {result.TokenCount}; {result.Duplicates} duplicates, {result.ExcludedByPrompt} excluded, {result.SkippedPrefix} prefix");
        Assert.False(result.IsSignificant(0.01), $"log10 p = {result.Log10PValue}");
    }

    [Fact]
    public async Task ASuspectThatEchoesWatermarkedPromptsTestsNegativeThanksToPromptExclusion()
    {
        // Our own watermarked texts as prompts: a suspect that copies them back learned nothing.
        using ChatCompletionServer watermarked = StudentServer.Start(new ChatCompletionServerOptions { Scheme = StudentServer.Scheme });
        List<ProbePrompt> prompts = StudentServer.Prompts(10)
            .Select(p => new ProbePrompt(p.Id, watermarked.Reply(p.Text, 48).Trim()))
            .Where(p => p.Text.Length > 0).ToList();
        RadioactivityResult result = await ProbeAsync(new ChatCompletionServerOptions { EchoPrompt = true }, prompts);
        Assert.True(result.ExcludedByPrompt > 200);
        Assert.True(result.ScoredTokens < result.TokenCount / 10, $"{result.ScoredTokens} of {result.TokenCount} scored");
        Assert.False(result.IsSignificant(0.01), $"log10 p = {result.Log10PValue}");

        // The same responses without their prompts are strongly watermarked: the exclusion is what saves the test.
        var naive = new ClosedModelTest(StudentServer.Scheme);
        foreach (ProbePrompt prompt in prompts)
        {
            naive.AddOutput(StudentServer.Tokenizer.EncodeToIds(prompt.Text));
        }

        Assert.True(naive.GetResult().IsSignificant(1e-6));
    }

    private static async Task<RadioactivityResult> ProbeAsync(ChatCompletionServerOptions options, List<ProbePrompt> prompts)
    {
        using var dir = new TempDirectory();
        using ChatCompletionServer server = StudentServer.Start(options);
        using var client = StudentServer.Client(server);
        using ProbeLog log = ProbeLog.Open(dir.File("log.jsonl"));
        ProbeSummary summary = await new SuspectProbe(client, StudentServer.Options(maxTokens: 64)).RunAsync(prompts, log);
        Assert.True(summary.IsComplete);
        return log.TestRadioactivity(StudentServer.Scheme, BuiltInModel.Tokenizer);
    }
}
