using System;
using System.Collections.Generic;

namespace Distill.Interop;

/// <summary>
/// The reference's <c>context_history</c>: the last <see cref="Size"/> context hashes, newest first,
/// starting as <see cref="Size"/> zeros (so a hash equal to 0 counts as repeated until the zeros are
/// pushed out, exactly as in transformers). Membership in O(1) through a multiset of the hashes held;
/// no allocation after construction.
/// </summary>
internal sealed class HfSynthIdHistory
{
    private readonly long[] _ring;
    private readonly Dictionary<long, int> _counts;
    private int _next;

    public HfSynthIdHistory(int size)
    {
        _ring = new long[size];
        _counts = new Dictionary<long, int>(size + 1);
        Reset();
    }

    public int Size => _ring.Length;

    /// <summary>Whether <paramref name="hash"/> is among the hashes held; then pushes it (dropping the oldest).</summary>
    public bool CheckAndPush(long hash)
    {
        bool repeated = _counts.ContainsKey(hash);
        long oldest = _ring[_next];
        int left = _counts[oldest] - 1;
        if (left == 0)
        {
            _counts.Remove(oldest);
        }
        else
        {
            _counts[oldest] = left;
        }

        _ring[_next] = hash;
        _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        _counts[hash] = _counts.GetValueOrDefault(hash) + 1;
        return repeated;
    }

    public void Reset()
    {
        Array.Clear(_ring);
        _counts.Clear();
        _counts[0] = _ring.Length;
        _next = 0;
    }
}
