using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Distill.OnnxRuntimeGenAI;

/// <summary>
/// The calls of the onnxruntime-genai C API (<c>ort_genai_c.h</c>) that the managed
/// <see cref="Generator"/> of Microsoft.ML.OnnxRuntimeGenAI 0.20 does not expose: reading and
/// writing the last step's logits, and the tensors they travel in.
/// </summary>
/// <remarks>
/// The library is the one the Microsoft.ML.OnnxRuntimeGenAI package ships and the managed wrapper
/// itself loads (<c>onnxruntime-genai</c>). Every function returning an <c>OgaResult*</c> returns
/// null on success; <see cref="Check"/> turns a failure into an <see cref="System.InvalidOperationException"/>
/// with the runtime's message (the managed wrapper's own exception type has no public constructor).
/// </remarks>
internal static partial class OgaNative
{
    private const string Library = "onnxruntime-genai";

    /// <summary><c>OgaElementType_float32</c>.</summary>
    internal const int ElementTypeFloat32 = 1;

    [LibraryImport(Library)]
    internal static partial nint OgaGenerator_GetLogits(nint generator, out nint tensor);

    [LibraryImport(Library)]
    internal static partial nint OgaGenerator_SetLogits(nint generator, nint tensor);

    [LibraryImport(Library)]
    internal static unsafe partial nint OgaCreateTensorFromBuffer(void* data, long* shape, nuint rank, int elementType, out nint tensor);

    [LibraryImport(Library)]
    internal static partial nint OgaTensorGetType(nint tensor, out int elementType);

    [LibraryImport(Library)]
    internal static partial nint OgaTensorGetShapeRank(nint tensor, out nuint rank);

    [LibraryImport(Library)]
    internal static unsafe partial nint OgaTensorGetShape(nint tensor, long* shape, nuint rank);

    [LibraryImport(Library)]
    internal static unsafe partial nint OgaTensorGetData(nint tensor, out void* data);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyTensor(nint tensor);

    [LibraryImport(Library)]
    internal static partial nint OgaResultGetError(nint result);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyResult(nint result);

    /// <summary>Throws the runtime's error message when <paramref name="result"/> is not null, and frees it.</summary>
    internal static void Check(nint result)
    {
        if (result != 0)
        {
            string message = Marshal.PtrToStringUTF8(OgaResultGetError(result)) ?? "onnxruntime-genai returned an error without a message.";
            OgaDestroyResult(result);
            throw new InvalidOperationException("onnxruntime-genai: " + message);
        }
    }

    /// <summary>The native <c>OgaGenerator*</c> behind a managed generator (its internal <c>Handle</c> property).</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Handle")]
    internal static extern nint GetHandle(Generator generator);
}
