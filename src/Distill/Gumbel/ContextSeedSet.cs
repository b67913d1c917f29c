using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Distill.Gumbel;

/// <summary>
/// A set of 64-bit context seeds: open addressing with linear probing, at most half full, and a
/// generation stamp per slot so that <see cref="Clear"/> costs nothing. It doubles when it fills
/// (rarely: a session or document of n distinct contexts grows it about log2(n / 512) times in all),
/// so in steady state adding a seed allocates nothing.
/// </summary>
internal sealed class ContextSeedSet
{
    private readonly bool _pooled;
    private ulong[] _seeds;
    private uint[] _stamps;
    private uint _generation = 1;
    private int _mask;

    /// <summary>Creates an empty set with room for about <paramref name="capacity"/> seeds.</summary>
    /// <param name="capacity">The expected number of seeds.</param>
    /// <param name="pooled">
    /// Whether the tables come from (and go back to, with <see cref="ReturnToPool"/>) the shared array
    /// pools: one-shot detection of a long text then allocates no table per call.
    /// </param>
    public ContextSeedSet(int capacity = 512, bool pooled = false)
    {
        int slots = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8) * 2));
        _pooled = pooled;
        (_seeds, _stamps) = Allocate(slots);
        _mask = slots - 1;
    }

    public int Count { get; private set; }

    /// <summary>Whether the seed is in the set.</summary>
    public bool Contains(ulong seed)
    {
        int index = Slot(seed);
        while (_stamps[index] == _generation)
        {
            if (_seeds[index] == seed)
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

        int index = Slot(seed);
        while (_stamps[index] == _generation)
        {
            if (_seeds[index] == seed)
            {
                return false;
            }

            index = (index + 1) & _mask;
        }

        _stamps[index] = _generation;
        _seeds[index] = seed;
        Count++;
        return true;
    }

    /// <summary>Empties the set in constant time (a new generation), keeping its capacity.</summary>
    public void Clear()
    {
        Count = 0;
        if (_generation == uint.MaxValue)
        {
            Array.Clear(_stamps);
            _generation = 0;
        }

        _generation++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong seed) => unchecked((int)((seed * 0x9E3779B97F4A7C15UL) >> 32)) & _mask;

    private void Grow()
    {
        ulong[] oldSeeds = _seeds;
        uint[] oldStamps = _stamps;
        uint oldGeneration = _generation;
        int oldSlots = _mask + 1;
        int slots = oldSlots * 2;
        (_seeds, _stamps) = Allocate(slots);
        _mask = slots - 1;
        _generation = 1;
        for (int i = 0; i < oldSlots; i++)
        {
            if (oldStamps[i] == oldGeneration)
            {
                int index = Slot(oldSeeds[i]);
                while (_stamps[index] == _generation)
                {
                    index = (index + 1) & _mask;
                }

                _stamps[index] = _generation;
                _seeds[index] = oldSeeds[i];
            }
        }

        if (_pooled)
        {
            ArrayPool<ulong>.Shared.Return(oldSeeds);
            ArrayPool<uint>.Shared.Return(oldStamps);
        }
    }

    /// <summary>Gives pooled tables back; the set must not be used afterwards.</summary>
    public void ReturnToPool()
    {
        if (_pooled && _seeds.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(_seeds);
            ArrayPool<uint>.Shared.Return(_stamps);
            _seeds = [];
            _stamps = [];
        }
    }

    private (ulong[] Seeds, uint[] Stamps) Allocate(int slots)
    {
        if (!_pooled)
        {
            return (new ulong[slots], new uint[slots]);
        }

        ulong[] seeds = ArrayPool<ulong>.Shared.Rent(slots);
        uint[] stamps = ArrayPool<uint>.Shared.Rent(slots);
        Array.Clear(stamps, 0, slots);
        return (seeds, stamps);
    }
}
