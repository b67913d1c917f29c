using System;
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
    private ulong[] _seeds;
    private uint[] _stamps;
    private uint _generation = 1;
    private int _mask;

    public ContextSeedSet(int capacity = 512)
    {
        int slots = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8) * 2));
        _seeds = new ulong[slots];
        _stamps = new uint[slots];
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
        int slots = oldSeeds.Length * 2;
        _seeds = new ulong[slots];
        _stamps = new uint[slots];
        _mask = slots - 1;
        _generation = 1;
        for (int i = 0; i < oldSeeds.Length; i++)
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
    }
}
