using System;
using System.Numerics.Tensors;

namespace Distill.Benchmarks.Kgw;

/// <summary>
/// The floor of every pass over a logits span: add a constant to each element in place, with the
/// runtime's own vectorized loop (<see cref="TensorPrimitives"/>: aligned, unrolled) and ordinary stores.
/// </summary>
/// <remarks>
/// <see cref="TensorPrimitives.Add(ReadOnlySpan{float}, float, Span{float})"/> switches to non-temporal
/// stores when more than 256 KiB (64K floats) remain; they evict the span from the cache, so on a span
/// that is processed again at once (as here, and as in an inference loop that samples right after
/// biasing) a single call over 128K or 200K logits is slower than the bias pass itself and would not be
/// a floor. Calling it on chunks of 32K floats keeps every store ordinary and costs a handful of calls.
/// <see cref="LeftHashBiasBenchmarks.TensorPrimitivesAdd"/> measures the single call beside this one.
/// </remarks>
internal static class ConstantAdd
{
    private const int ChunkLength = 32 * 1024;

    public static void AddInPlace(Span<float> values, float constant)
    {
        while (values.Length > ChunkLength)
        {
            Span<float> chunk = values[..ChunkLength];
            TensorPrimitives.Add(chunk, constant, chunk);
            values = values[ChunkLength..];
        }

        TensorPrimitives.Add(values, constant, values);
    }
}
