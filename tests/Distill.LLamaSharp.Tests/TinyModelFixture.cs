using System;
using System.IO;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace Distill.LLamaSharp.Tests;

/// <summary>The tiny GGUF model, written to a temporary file and loaded into llama.cpp once for the test collection.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private static readonly object Gate = new();
    private static bool _configured;
    private readonly string _path;

    /// <summary>Initializes a new instance of the <see cref="TinyModelFixture"/> class.</summary>
    public TinyModelFixture()
    {
        lock (Gate)
        {
            if (!_configured)
            {
                // Before llama.cpp loads: its log goes nowhere (the tests assert on results, not on its chatter).
                NativeLibraryConfig.All.WithLogCallback((_, _) => { });
                _configured = true;
            }
        }

        _path = Path.Combine(Path.GetTempPath(), $"distill-tiny-{Environment.ProcessId}-{Guid.NewGuid():N}.gguf");
        TinyGguf.Write(_path, seed: 20261205);
        Parameters = new ModelParams(_path) { ContextSize = 1024, GpuLayerCount = 0, BatchSize = 64, Threads = 1 };
        Weights = LLamaWeights.LoadFromFile(Parameters);
    }

    /// <summary>Gets the loaded model.</summary>
    public LLamaWeights Weights { get; }

    /// <summary>Gets the parameters the model was loaded with (and its contexts are created with).</summary>
    public ModelParams Parameters { get; }

    /// <summary>Generates tokens through llama.cpp: decodes the prompt, then samples with <paramref name="pipeline"/> and decodes each token.</summary>
    /// <param name="pipeline">The sampling pipeline.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <param name="count">The number of tokens to generate (end-of-sequence is not special here).</param>
    /// <returns>The generated token ids.</returns>
    public int[] Generate(ISamplingPipeline pipeline, ReadOnlySpan<int> prompt, int count)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        using LLamaContext context = Weights.CreateContext(Parameters);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++)
        {
            batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, i == prompt.Length - 1);
        }

        Decode(context, batch);
        var output = new int[count];
        for (int step = 0; step < count; step++)
        {
            LLamaToken token = pipeline.Sample(context.NativeHandle, batch.TokenCount - 1);
            output[step] = (int)token;
            batch.Clear();
            batch.Add(token, prompt.Length + step, LLamaSeqId.Zero, true);
            Decode(context, batch);
        }

        return output;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Weights.Dispose();
        File.Delete(_path);
    }

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        DecodeResult result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}.");
        }
    }
}
