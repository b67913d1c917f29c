using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Distill.GreenList;

/// <summary>The token hashes of the last few tokens of a stream, oldest first, kept inline (no allocation).</summary>
[StructLayout(LayoutKind.Auto)]
internal struct HashWindow
{
    private Buffer _hashes;
    private int _length;
    private long _seen;

    /// <summary>Gets how many tokens have been pushed since the last reset.</summary>
    public readonly long Seen => _seen;

    /// <summary>Gets how many hashes the window holds: the number pushed, at most the width.</summary>
    public readonly int Count => _length;

    /// <summary>Gets whether the window holds <paramref name="width"/> tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsFull(int width) => _seen >= width;

    /// <summary>Gets the last <paramref name="width"/> hashes, oldest first (valid when <see cref="IsFull"/>).</summary>
    [UnscopedRef]
    public ReadOnlySpan<ulong> Last(int width) => ((ReadOnlySpan<ulong>)_hashes)[(_length - width).._length];

    /// <summary>Appends a hash, keeping the newest <paramref name="width"/> (at most 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(ulong hash, int width)
    {
        Span<ulong> all = _hashes;
        if (_length == width)
        {
            all[1..width].CopyTo(all);
            all[width - 1] = hash;
        }
        else
        {
            all[_length++] = hash;
        }

        _seen++;
    }

    /// <summary>
    /// Records that <paramref name="pushed"/> more hashes were appended, of which <paramref name="newest"/>
    /// are the last ones, oldest first: as many as the window keeps (the width, or all hashes seen when fewer).
    /// </summary>
    public void SetNewest(ReadOnlySpan<ulong> newest, long pushed)
    {
        newest.CopyTo(_hashes);
        _length = newest.Length;
        _seen += pushed;
    }

    public void Reset()
    {
        _length = 0;
        _seen = 0;
    }

    [InlineArray(KgwOptions.MaxContextWidth)]
    private struct Buffer
    {
        private ulong _element0;
    }
}
