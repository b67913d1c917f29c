using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Distill.SynthId;

/// <summary>
/// Per-layer counts of g-values equal to 1, added one 64-bit g-word at a time: eight bit planes
/// hold an 8-bit counter per layer (a carry-save adder across the word's 64 lanes), flushed into
/// 64-bit totals every 255 words, so adding a word costs a few operations whatever the depth.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct LayerTally
{
    private const int PlaneCount = 8;
    private const int FlushEvery = 255;
    private Planes _planes;
    private Totals _totals;
    private int _pending;

    /// <summary>Adds one token's g-word (bit l = layer l's g-value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong word)
    {
        Span<ulong> planes = _planes;
        ulong carry = word;
        for (int i = 0; i < PlaneCount && carry != 0; i++)
        {
            ulong next = planes[i] & carry;
            planes[i] ^= carry;
            carry = next;
        }

        if (++_pending == FlushEvery)
        {
            Flush();
        }
    }

    /// <summary>Adds counts made elsewhere.</summary>
    public void Add(ReadOnlySpan<long> layerOnes)
    {
        Flush();
        Span<long> totals = _totals;
        for (int l = 0; l < layerOnes.Length; l++)
        {
            totals[l] += layerOnes[l];
        }
    }

    /// <summary>Copies the count of ones of each of the first <paramref name="destination"/>.Length layers.</summary>
    public void CopyTo(Span<long> destination)
    {
        Flush();
        ((ReadOnlySpan<long>)_totals)[..destination.Length].CopyTo(destination);
    }

    /// <summary>Empties the tally.</summary>
    public void Clear() => this = default;

    private void Flush()
    {
        if (_pending == 0)
        {
            return;
        }

        Span<ulong> planes = _planes;
        Span<long> totals = _totals;
        for (int i = 0; i < PlaneCount; i++)
        {
            ulong plane = planes[i];
            while (plane != 0)
            {
                int l = System.Numerics.BitOperations.TrailingZeroCount(plane);
                totals[l] += 1L << i;
                plane &= plane - 1;
            }

            planes[i] = 0;
        }

        _pending = 0;
    }

    [InlineArray(PlaneCount)]
    private struct Planes
    {
        private ulong _element0;
    }

    [InlineArray(SynthIdOptions.MaxDepth)]
    private struct Totals
    {
        private long _element0;
    }
}
