using System;
using System.IO;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Distill.OnnxRuntimeGenAI.Tests;

/// <summary>The tiny decoder, written once per test class and loaded by the runtime.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public const int VocabularySize = 1000;

    public TinyModelFixture()
    {
        Folder = TinyDecoderModel.Write(VocabularySize, hiddenSize: 16, scale: 1f, seed: 20261205);
        Model = new Model(Folder);
    }

    public string Folder { get; }

    public Model Model { get; }

    /// <summary>A sampling generator over one sequence with a fixed seed.</summary>
    public Generator CreateGenerator(int seed, int maxLength)
    {
        using var parameters = new GeneratorParams(Model);
        parameters.SetSearchOption("max_length", maxLength);
        parameters.SetSearchOption("random_seed", seed);
        parameters.SetSearchOption("do_sample", true);
        return new Generator(Model, parameters);
    }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
