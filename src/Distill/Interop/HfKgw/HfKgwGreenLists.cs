using System;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Distill.Interop;

/// <summary>
/// transformers KGW green lists as bitsets, cached per generator seed and shared by every thread of
/// one scheme: the first <c>(int)(V * gamma)</c> entries of <c>randperm(V)</c> after
/// <c>manual_seed(seed)</c>, which depend only on the seed's low 32 bits (all the torch CPU generator
/// reads).
/// </summary>
/// <remarks>
/// <para>
/// A green list is drawn with only the Fisher-Yates steps that decide it (G of V - 1 draws). The
/// cache is bounded (<see cref="MemoryBudgetBytes"/>): once full, CLOCK eviction (second chance)
/// replaces a list not read since the hand last passed it, which keeps the frequent seeds of
/// Zipf-distributed text. LeftHash has at most V distinct seeds (one per last token).
/// </para>
/// <para>
/// Reads are lock-free; inserts take a lock. An evicted bitset is never reused, so a reader holding
/// one keeps a valid list. Inserting a new list allocates it (V / 8 bytes).
/// </para>
/// </remarks>
internal sealed class HfKgwGreenLists
{
    /// <summary>The most memory the cached bitsets may take: 128 MiB (8,000-odd lists at V = 128,256; all of them at V = 32,000).</summary>
    public const long MemoryBudgetBytes = 128L << 20;

    private readonly ConcurrentDictionary<uint, Entry> _map;
    private readonly Entry?[] _ring;
    private readonly ConcurrentStack<Scratch> _scratch = new();
    private readonly Lock _lock = new();
    private int _hand;
    private int _count;
    private long _draws;

    public HfKgwGreenLists(int vocabularySize, int greenListSize, int capacity = 0)
    {
        VocabularySize = vocabularySize;
        GreenListSize = greenListSize;
        Words = (vocabularySize + 63) / 64;
        Capacity = capacity > 0 ? capacity : (int)Math.Clamp(MemoryBudgetBytes / (Words * 8L), 16, Math.Max(16, vocabularySize));
        _map = new ConcurrentDictionary<uint, Entry>(Environment.ProcessorCount, Math.Min(Capacity, 1024));
        _ring = new Entry?[Capacity];
        Multipliers = TorchCpuGenerator.FastModMultipliers(vocabularySize, greenListSize);
    }

    /// <summary>Gets the division-free remainder multipliers of the first G Fisher-Yates steps of randperm(V).</summary>
    public ulong[] Multipliers { get; }

    public int VocabularySize { get; }

    public int GreenListSize { get; }

    /// <summary>Gets the number of 64-bit words of one bitset.</summary>
    public int Words { get; }

    /// <summary>Gets the most lists kept.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of lists drawn (cache misses) so far.</summary>
    public long Draws => Volatile.Read(ref _draws);

    /// <summary>Gets the number of lists cached now.</summary>
    public int Count => _map.Count;

    /// <summary>Returns whether <paramref name="token"/> is green under generator seed <paramref name="seed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsGreen(ulong seed, int token) => (Get(seed)[token >> 6] & (1UL << token)) != 0;

    /// <summary>Gets the green list of a generator seed as a bitset of <see cref="Words"/> words (bit t of word t / 64); never modify it.</summary>
    public ulong[] Get(ulong seed)
    {
        uint key = unchecked((uint)seed);
        if (_map.TryGetValue(key, out Entry? entry))
        {
            if (entry.Referenced == 0)
            {
                entry.Referenced = 1;
            }

            return entry.Bits;
        }

        return Insert(key);
    }

    /// <summary>Gets a cached green list without drawing one (and without allocating); false when the seed's list is not cached.</summary>
    public bool TryGet(ulong seed, out ulong[] bits)
    {
        if (_map.TryGetValue(unchecked((uint)seed), out Entry? entry))
        {
            entry.Referenced = 1;
            bits = entry.Bits;
            return true;
        }

        bits = [];
        return false;
    }

    /// <summary>Draws the green list of a seed into <paramref name="bits"/> (cleared first) without touching the cache.</summary>
    public void Draw(ulong seed, Span<ulong> bits)
    {
        Scratch scratch = Rent();
        try
        {
            Draw(seed, bits, scratch);
        }
        finally
        {
            _scratch.Push(scratch);
        }
    }

    private ulong[] Insert(uint key)
    {
        var bits = new ulong[Words];
        Draw(key, bits);
        Interlocked.Increment(ref _draws);
        lock (_lock)
        {
            if (_map.TryGetValue(key, out Entry? raced))
            {
                return raced.Bits;
            }

            var entry = new Entry(key, bits);
            if (_count < Capacity)
            {
                _ring[_count++] = entry;
            }
            else
            {
                // CLOCK: clear the reference bit of recently read lists until one was not read.
                while (_ring[_hand]!.Referenced != 0)
                {
                    _ring[_hand]!.Referenced = 0;
                    _hand = (_hand + 1) % Capacity;
                }

                _map.TryRemove(_ring[_hand]!.Key, out _);
                _ring[_hand] = entry;
                _hand = (_hand + 1) % Capacity;
            }

            _map[key] = entry;
            return bits;
        }
    }

    /// <summary>Draws the green list of a seed into <paramref name="bits"/> with the caller's own scratch (no pool, no allocation).</summary>
    internal void Draw(ulong seed, Span<ulong> bits, Scratch scratch)
    {
        bits.Clear();
        scratch.Generator.Seed(seed);
        Span<int> green = scratch.Green;
        scratch.Generator.RandPermPrefix(scratch.Identity, green, scratch.Targets, Multipliers);
        foreach (int id in green)
        {
            bits[id >> 6] |= 1UL << id;
        }
    }

    private Scratch Rent() => _scratch.TryPop(out Scratch? s) ? s : CreateScratch();

    /// <summary>A new scratch for <see cref="Draw(ulong, Span{ulong}, Scratch)"/> (the buffers of one draw: about 8 bytes per vocabulary id).</summary>
    internal Scratch CreateScratch() => new(VocabularySize, GreenListSize);

    /// <summary>Counts the green ids of a bitset (tests).</summary>
    public static int PopCount(ReadOnlySpan<ulong> bits)
    {
        int count = 0;
        foreach (ulong w in bits)
        {
            count += BitOperations.PopCount(w);
        }

        return count;
    }

    private sealed class Entry(uint key, ulong[] bits)
    {
        public uint Key { get; } = key;

        public ulong[] Bits { get; } = bits;

        public int Referenced;
    }

    internal sealed class Scratch
    {
        public Scratch(int vocabularySize, int greenListSize)
        {
            Identity = new int[vocabularySize];
            for (int i = 0; i < Identity.Length; i++)
            {
                Identity[i] = i;
            }

            Green = new int[greenListSize];
            Targets = new int[greenListSize];
            Generator = new TorchCpuGenerator(0);
        }

        public int[] Identity { get; }

        public int[] Green { get; }

        public int[] Targets { get; }

        public TorchCpuGenerator Generator { get; }
    }
}
