using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Distill.SynthId;

/// <summary>
/// The last position at which each context seed occurred in one document: open addressing with
/// linear probing, insert or update only. A context is repeated when it occurred at most
/// <c>history</c> positions before; this is the reference's "seen among the last 1024 contexts".
/// </summary>
internal sealed class ContextPositionMap
{
    private readonly bool _pooled;
    private Entry[] _entries;
    private int _mask;
    private int _count;

    public ContextPositionMap(int capacity, bool pooled)
    {
        int size = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8) * 2));
        _pooled = pooled;
        _entries = Allocate(size, pooled);
        _mask = size - 1;
    }

    /// <summary>Records that <paramref name="seed"/> occurs at <paramref name="position"/> and returns whether it occurred within the previous <paramref name="history"/> positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CheckAndSet(ulong seed, long position, int history)
    {
        if ((_count + 1) * 2 > _mask + 1)
        {
            Grow();
        }

        int index = Slot(seed);
        while (true)
        {
            ref Entry e = ref _entries[index];
            if (e.Stored == 0)
            {
                e.Seed = seed;
                e.Stored = position + 1;
                _count++;
                return false;
            }

            if (e.Seed == seed)
            {
                bool repeated = position - (e.Stored - 1) <= history;
                e.Stored = position + 1;
                return repeated;
            }

            index = (index + 1) & _mask;
        }
    }

    public void Clear()
    {
        if (_count > 0)
        {
            Array.Clear(_entries, 0, _mask + 1);
            _count = 0;
        }
    }

    public void ReturnToPool()
    {
        if (_pooled && _entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = [];
            _mask = -1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong seed) => unchecked((int)((seed * 0x9E3779B97F4A7C15UL) >> 32)) & _mask;

    private void Grow()
    {
        Entry[] old = _entries;
        int oldSlots = _mask + 1;
        _entries = Allocate(oldSlots * 2, _pooled);
        _mask = (oldSlots * 2) - 1;
        foreach (ref readonly Entry e in old.AsSpan(0, oldSlots))
        {
            if (e.Stored != 0)
            {
                int index = Slot(e.Seed);
                while (_entries[index].Stored != 0)
                {
                    index = (index + 1) & _mask;
                }

                _entries[index] = e;
            }
        }

        if (_pooled)
        {
            ArrayPool<Entry>.Shared.Return(old);
        }
    }

    private static Entry[] Allocate(int slots, bool pooled)
    {
        if (!pooled)
        {
            return new Entry[slots];
        }

        Entry[] rented = ArrayPool<Entry>.Shared.Rent(slots);
        Array.Clear(rented, 0, slots);
        return rented;
    }

    private struct Entry
    {
        public ulong Seed;

        // The position plus one; 0 marks an empty slot.
        public long Stored;
    }
}
