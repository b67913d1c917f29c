using System;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Distill.OnnxRuntimeGenAI;

/// <summary>
/// <see cref="ILogitsLoop"/> over a managed <see cref="Generator"/>, through the C API's
/// <c>OgaGenerator_GetLogits</c> and <c>OgaGenerator_SetLogits</c>.
/// </summary>
/// <remarks>
/// The logits live in one native buffer allocated on the first step and reused; the tensor that
/// writes them back wraps that buffer (<c>OgaCreateTensorFromBuffer</c>, caller-owned memory) and is
/// created once. <c>OgaGenerator_GetLogits</c> itself returns a fresh native copy each step (the C
/// API offers no other way to read them), which is destroyed at once; nothing is allocated on the
/// managed heap per token.
/// </remarks>
internal sealed unsafe class GeneratorLogitsLoop : ILogitsLoop
{
    private const int MaxRank = 8;

    private readonly Generator _generator;
    private readonly nint _handle;
    private float* _buffer;
    private int _count;
    private nint _writeTensor;

    public GeneratorLogitsLoop(Generator generator)
    {
        _generator = generator;
        _handle = OgaNative.GetHandle(generator);
    }

    public bool IsDone => _generator.IsDone();

    public Span<float> ReadLogits(int vocabularySize)
    {
        ObjectDisposedException.ThrowIf(_count < 0, this);
        OgaNative.Check(OgaNative.OgaGenerator_GetLogits(_handle, out nint tensor));
        try
        {
            OgaNative.Check(OgaNative.OgaTensorGetType(tensor, out int elementType));
            OgaNative.Check(OgaNative.OgaTensorGetShapeRank(tensor, out nuint rank));
            if (elementType != OgaNative.ElementTypeFloat32 || rank == 0 || rank > MaxRank)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The model's logits are a rank-{rank} tensor of element type {elementType}; the watermark needs float32 logits of one sequence (batch size 1, num_beams 1)."));
            }

            long* shape = stackalloc long[MaxRank];
            OgaNative.Check(OgaNative.OgaTensorGetShape(tensor, shape, rank));
            long elements = 1;
            for (int i = 0; i < (int)rank; i++)
            {
                elements *= shape[i];
            }

            if (elements != vocabularySize)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The model's logits have {elements} elements per step (shape [{FormatShape(shape, (int)rank)}]) but the watermark scheme's descriptor has a vocabulary of {vocabularySize}: create the scheme with the model's vocabulary size, and generate one sequence (batch size 1, num_beams 1)."));
            }

            if (_buffer == null)
            {
                _buffer = (float*)NativeMemory.AlignedAlloc((nuint)vocabularySize * sizeof(float), 64);
                _count = vocabularySize;
                OgaNative.Check(OgaNative.OgaCreateTensorFromBuffer(_buffer, shape, rank, OgaNative.ElementTypeFloat32, out _writeTensor));
            }

            OgaNative.Check(OgaNative.OgaTensorGetData(tensor, out void* data));
            var logits = new Span<float>(_buffer, _count);
            new ReadOnlySpan<float>(data, _count).CopyTo(logits);
            GC.KeepAlive(_generator);
            return logits;
        }
        finally
        {
            OgaNative.OgaDestroyTensor(tensor);
        }
    }

    public int SampleFromLogits()
    {
        ObjectDisposedException.ThrowIf(_count < 0, this);
        if (_writeTensor == 0)
        {
            throw new InvalidOperationException("Read the step's logits before sampling from them.");
        }

        OgaNative.Check(OgaNative.OgaGenerator_SetLogits(_handle, _writeTensor));
        _generator.GenerateNextToken();
        return _generator.GetNextTokens()[0];
    }

    public void AppendTokens(ReadOnlySpan<int> tokens)
    {
        ObjectDisposedException.ThrowIf(_count < 0, this);
        _generator.AppendTokens(tokens);
    }

    public void Dispose()
    {
        if (_writeTensor != 0)
        {
            OgaNative.OgaDestroyTensor(_writeTensor);
            _writeTensor = 0;
        }

        if (_buffer != null)
        {
            NativeMemory.AlignedFree(_buffer);
            _buffer = null;
        }

        _count = -1;
    }

    private static string FormatShape(long* shape, int rank)
    {
        var parts = new string[rank];
        for (int i = 0; i < rank; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join(", ", parts);
    }
}
