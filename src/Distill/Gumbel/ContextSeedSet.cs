using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Distill.Gumbel;

/// <summary>
/// A set of 64-bit context seeds: open addressing with linear probing over 16-byte entries (seed and
/// generation stamp in one cache line), at most half full; the stamp makes <see cref="Clear"/> cost
/// nothing. It doubles when it fills (rarely: n distinct contexts grow it about log2(n / 512) times in
/// all), so in steady state adding a seed allocates nothing.
/// </summary>
internal sealed class ContextSeedSet
{
    private readonly bool _pooled;
    private Entry[] _entries;
    private uint _generation = 1;
    private int _mask;

    /// <summary>Creates an empty set with room for about <paramref name="capacity"/> seeds.</summary>
    /// <param name="capacity">The expected number of seeds.</param>
    /// <param name="pooled">
    /// Whether the table comes from (and goes back to, with <see cref="ReturnToPool"/>) the shared array
    /// pool: one-shot detection of a long text then allocates no table per call.
    /// </param>
    public ContextSeedSet(int capacity = 512, bool pooled = false)
    {
        // Start at most at 2^27 slots (2 GiB); a larger set grows as it fills.
        int slots = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(capacity, 8, 1 << 26) * 2));
        _pooled = pooled;
        _entries = Allocate(slots);
        _mask = slots - 1;
    }

    public int Count { get; private set; }

    /// <summary>Whether the seed is in the set.</summary>
    public bool Contains(ulong seed)
    {
        Entry[] entries = _entries;
        int index = Slot(seed);
        while (entries[index].Stamp == _generation)
        {
            if (entries[index].Seed == seed)
            {
                return true;
            }

            index = (index + 1) & _mask;
        }

        return false;
    }

    /// <summary>Adds the seed; returns false (and changes nothing) when it is already present.</summary>
    public bool Add(ulong seed)
    {
        if ((Count + 1) * 2 > _mask + 1)
        {
            Grow();
        }

        Entry[] entries = _entries;
        int index = Slot(seed);
        while (entries[index].Stamp == _generation)
        {
            if (entries[index].Seed == seed)
            {
                return false;
            }

            index = (index + 1) & _mask;
        }

        entries[index].Stamp = _generation;
        entries[index].Seed = seed;
        Count++;
        return true;
    }

    /// <summary>Asks the processor to bring the home slot of a seed into the cache (a hint; never faults).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong seed)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), Slot(seed))));
        }
    }

    /// <summary>Empties the set in constant time (a new generation), keeping its capacity.</summary>
    public void Clear()
    {
        Count = 0;
        if (_generation == uint.MaxValue)
        {
            Array.Clear(_entries);
            _generation = 0;
        }

        _generation++;
    }

    /// <summary>Gives a pooled table back; the set must not be used afterwards.</summary>
    public void ReturnToPool()
    {
        if (_pooled && _entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = [];
            _mask = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong seed) => unchecked((int)((seed * 0x9E3779B97F4A7C15UL) >> 32)) & _mask;

    private void Grow()
    {
        Entry[] old = _entries;
        uint oldGeneration = _generation;
        int oldSlots = _mask + 1;
        int slots = oldSlots * 2;
        _entries = Allocate(slots);
        _mask = slots - 1;
        _generation = 1;
        foreach (ref readonly Entry e in old.AsSpan(0, oldSlots))
        {
            if (e.Stamp == oldGeneration)
            {
                int index = Slot(e.Seed);
                while (_entries[index].Stamp == _generation)
                {
                    index = (index + 1) & _mask;
                }

                _entries[index] = new Entry { Seed = e.Seed, Stamp = _generation };
            }
        }

        if (_pooled)
        {
            ArrayPool<Entry>.Shared.Return(old);
        }
    }

    private Entry[] Allocate(int slots)
    {
        if (!_pooled)
        {
            return new Entry[slots];
        }

        Entry[] rented = ArrayPool<Entry>.Shared.Rent(slots);
        Array.Clear(rented, 0, slots);
        return rented;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public ulong Seed;
        public uint Stamp;
    }
}
