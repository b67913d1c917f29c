using System;
using System.Text;
using System.Threading.Tasks;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Distill.LLamaSharp.Tests;

/// <summary>The pipeline inside LLamaSharp's own executor, as docs/llamasharp.md shows it.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class ExecutorTests(TinyModelFixture model)
{
    /// <summary>The stateless executor drives the stage: one Accept per generated token, on top of the prompt given at construction.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task StatelessExecutorFeedsTheSessionOncePerToken()
    {
        const int MaxTokens = 40;
        const string Prompt = "a lighthouse";
        LLamaToken[] promptTokens = model.Weights.Tokenize(Prompt, true, false, Encoding.UTF8);
        int[] promptIds = Array.ConvertAll(promptTokens, t => (int)t);
        using var pipeline = new WatermarkSamplingPipeline(TestSchemes.Create("kgw"), promptIds) { Seed = 3 };
        var executor = new StatelessExecutor(model.Weights, model.Parameters);

        int pieces = 0;
        await foreach (string piece in executor.InferAsync(Prompt, new InferenceParams { MaxTokens = MaxTokens, SamplingPipeline = pipeline }))
        {
            pieces += piece.Length > 0 ? 1 : 0;
        }

        long generated = pipeline.Stage.Session.Position - promptIds.Length;
        Assert.InRange(generated, 1, MaxTokens);
        Assert.True(pieces <= generated);
    }
}
