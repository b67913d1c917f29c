using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Distill.GreenList;

/// <summary>The per-request embedding state of a <see cref="KgwScheme"/>: the last tokens' hashes and, for SelfHash, the candidate buffers.</summary>
[SkipLocalsInit]
internal sealed class KgwSession : WatermarkSession
{
    private readonly KgwScheme _scheme;
    private readonly int _width;
    private readonly int[] _candidateIds;
    private readonly float[] _candidateLogits;
    private HashWindow _window;

    public KgwSession(KgwScheme scheme)
    {
        _scheme = scheme;
        _width = Math.Max(scheme.PrefixLength, 1);
        bool selfHash = scheme.Options.Seeding == KgwSeeding.SelfHash;
        _candidateIds = selfHash ? new int[scheme.Options.SelfHashCandidates] : [];
        _candidateLogits = selfHash ? new float[scheme.Options.SelfHashCandidates] : [];
    }

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _window.Seen;

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        if (!_window.IsFull(_scheme.PrefixLength))
        {
            // Too little context (an empty prompt): detection never scores these positions either.
            return;
        }

        if (_scheme.Options.Seeding == KgwSeeding.LeftHash)
        {
            ulong seed = _scheme.Seed(ref _window, 0);
            GreenBias.Apply(logits, seed, _scheme.Threshold, _scheme.DeltaSingle);
            return;
        }

        int count = SelectTopCandidates(logits, _candidateIds, _candidateLogits);
        for (int i = 0; i < count; i++)
        {
            int candidate = _candidateIds[i];
            if (_scheme.IsGreen(ref _window, candidate, _scheme.Prf.TokenHash(candidate), out _))
            {
                logits[candidate] += _scheme.DeltaSingle;
            }
        }
    }

    private protected override void AcceptCore(int token)
    {
        _window.Push(_scheme.Prf.TokenHash(token), _width);
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _window.Reset();
        foreach (int token in prompt)
        {
            _window.Push(_scheme.Prf.TokenHash(token), _width);
        }
    }

    /// <summary>
    /// Finds the finite logits with the highest values (ties: the lower token id first) with a
    /// bounded min-heap; once the heap is full, whole vectors below its minimum are skipped.
    /// </summary>
    internal static int SelectTopCandidates(ReadOnlySpan<float> logits, Span<int> ids, Span<float> values)
    {
        int capacity = ids.Length;
        int count = 0;
        int i = 0;
        for (; i < logits.Length && count < capacity; i++)
        {
            float v = logits[i];
            if (float.IsNegativeInfinity(v))
            {
                continue;
            }

            ids[count] = i;
            values[count] = v;
            SiftUp(ids, values, count);
            count++;
        }

        if (count < capacity)
        {
            return count;
        }

        // Once the heap is full, a whole vector is skipped unless one of its logits beats the worst
        // candidate kept; the broadcast floor is refreshed only when the heap changes.
        ref float start = ref MemoryMarshal.GetReference(logits);
        if (Vector512.IsHardwareAccelerated)
        {
            int last = logits.Length - Vector512<float>.Count;
            Vector512<float> floor = Vector512.Create(values[0]);
            for (; i <= last; i += Vector512<float>.Count)
            {
                Vector512<float> chunk = Vector512.LoadUnsafe(ref start, (nuint)i);
                if (Vector512.GreaterThanAny(chunk, floor))
                {
                    OfferRange(ids, values, logits, i, Vector512<float>.Count);
                    floor = Vector512.Create(values[0]);
                }
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            int last = logits.Length - Vector<float>.Count;
            var floor = new Vector<float>(values[0]);
            for (; i <= last; i += Vector<float>.Count)
            {
                Vector<float> chunk = Vector.LoadUnsafe(ref start, (nuint)i);
                if (Vector.GreaterThanAny(chunk, floor))
                {
                    OfferRange(ids, values, logits, i, Vector<float>.Count);
                    floor = new Vector<float>(values[0]);
                }
            }
        }

        for (; i < logits.Length; i++)
        {
            Offer(ids, values, i, logits[i]);
        }

        return count;
    }

    private static void OfferRange(Span<int> ids, Span<float> values, ReadOnlySpan<float> logits, int from, int count)
    {
        for (int j = from; j < from + count; j++)
        {
            Offer(ids, values, j, logits[j]);
        }
    }

    // Heap order: the root is the worst kept candidate (lowest value; among equals, highest id).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(float va, int ia, float vb, int ib) => va < vb || (va == vb && ia > ib);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(Span<int> ids, Span<float> values, int id, float value)
    {
        // Ids arrive in increasing order, so an equal value never beats the root.
        if (value > values[0])
        {
            ids[0] = id;
            values[0] = value;
            SiftDown(ids, values, 0);
        }
    }

    private static void SiftUp(Span<int> ids, Span<float> values, int index)
    {
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (!Worse(values[index], ids[index], values[parent], ids[parent]))
            {
                break;
            }

            Swap(ids, values, index, parent);
            index = parent;
        }
    }

    private static void SiftDown(Span<int> ids, Span<float> values, int index)
    {
        int n = ids.Length;
        while (true)
        {
            int left = (2 * index) + 1;
            if (left >= n)
            {
                return;
            }

            int worst = left;
            int right = left + 1;
            if (right < n && Worse(values[right], ids[right], values[left], ids[left]))
            {
                worst = right;
            }

            if (!Worse(values[worst], ids[worst], values[index], ids[index]))
            {
                return;
            }

            Swap(ids, values, index, worst);
            index = worst;
        }
    }

    private static void Swap(Span<int> ids, Span<float> values, int a, int b)
    {
        (ids[a], ids[b]) = (ids[b], ids[a]);
        (values[a], values[b]) = (values[b], values[a]);
    }
}
