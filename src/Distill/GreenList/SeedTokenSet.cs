using System;
using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Distill.Detection;
using Distill.Prf;

namespace Distill.GreenList;

/// <summary>
/// The set of (seed, token) pairs already scored, with their greenness: open addressing with
/// linear probing over 16-byte entries. Greenness is a function of the pair, so deduplicating on the
/// pair itself (rather than on the context window) also merges windows that hash to the same seed.
/// </summary>
internal sealed class SeedTokenSet
{
    private const uint Empty = 0, RedState = 1, GreenState = 2;

    /// <summary>How many inserts ahead <see cref="AddRange"/> prefetches: enough for about a dozen cache misses in flight.</summary>
    private const int PrefetchDistance = 16;
    private readonly bool _pooled;
    private Entry[] _entries;
    private int _mask;

    /// <summary>Creates an empty set with room for about <paramref name="capacity"/> pairs.</summary>
    /// <param name="capacity">The expected number of pairs.</param>
    /// <param name="pooled">
    /// Whether the table comes from (and goes back to, with <see cref="ReturnToPool"/>) the shared
    /// array pool: one-shot detection of a long text then does not allocate a large table per call.
    /// </param>
    public SeedTokenSet(int capacity = 256, bool pooled = false)
    {
        int size = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8) * 2));
        _pooled = pooled;
        _entries = Allocate(size, pooled);
        _mask = size - 1;
    }

    /// <summary>Gets the number of slots (a power of two; a rented array may be longer).</summary>
    private int Slots => _mask + 1;

    public int Count { get; private set; }

    public long GreenCount { get; private set; }

    /// <summary>Adds the pair; returns false (and changes nothing) when it is already present.</summary>
    public bool TryAdd(ulong seed, int token, bool green)
    {
        if ((Count + 1) * 2 > Slots)
        {
            Grow();
        }

        Entry[] entries = _entries;
        int index = Slot(seed, token);
        while (true)
        {
            ref Entry e = ref entries[index];
            if (e.State == Empty)
            {
                e.Seed = seed;
                e.Token = (uint)token;
                e.State = green ? GreenState : RedState;
                Count++;
                if (green)
                {
                    GreenCount++;
                }

                return true;
            }

            if (e.Seed == seed && e.Token == (uint)token)
            {
                Debug.Assert((e.State == GreenState) == green, "Greenness is a function of the pair.");
                return false;
            }

            index = (index + 1) & _mask;
        }
    }

    /// <summary>Asks the processor to bring the home slot of a pair into the cache (a hint; never faults).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong seed, int token) => Prefetch(ref _entries[Slot(seed, token)]);

    /// <summary>Grows the table, if needed, so that <paramref name="additional"/> more pairs fit without growing (slots stay valid meanwhile).</summary>
    public void Reserve(int additional)
    {
        while ((long)(Count + additional) * 2 > Slots)
        {
            Grow();
        }
    }

    /// <summary>The home slot of a pair; valid until the table grows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SlotOf(ulong seed, int token) => Slot(seed, token);

    /// <summary>
    /// Adds the pairs (<paramref name="seeds"/>[i], <paramref name="tokens"/>[i]) in order, whose home
    /// slots are <paramref name="slots"/>[i] (<see cref="SlotOf"/>), in a table with room for all of them
    /// (<see cref="Reserve"/>). Writes each token's score when <paramref name="scores"/> is not empty:
    /// <see cref="TokenScore.Repeated"/> for a pair already present, else its greenness (green when its
    /// green value is below <paramref name="threshold"/>). Returns how many pairs were new.
    /// </summary>
    /// <remarks>
    /// Each insert first prefetches the slot of the insert <see cref="PrefetchDistance"/> ahead, so that
    /// the cache misses of a table much larger than the caches overlap instead of adding up.
    /// </remarks>
    public int AddRange(ReadOnlySpan<ulong> seeds, ReadOnlySpan<int> tokens, ReadOnlySpan<int> slots, uint threshold, Span<TokenScore> scores)
    {
        int n = seeds.Length;
        if (tokens.Length < n || slots.Length < n || (!scores.IsEmpty && scores.Length < n))
        {
            throw new ArgumentException("The spans are too short.", nameof(seeds));
        }

        Debug.Assert((long)(Count + n) * 2 <= Slots, "Reserve first.");
        bool record = !scores.IsEmpty;
        ref Entry first = ref MemoryMarshal.GetArrayDataReference(_entries);
        nint mask = _mask;
        int count = Count;
        long greenCount = GreenCount;
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                if (i + PrefetchDistance < n)
                {
                    Prefetch(ref Unsafe.Add(ref first, (nint)(uint)slots[i + PrefetchDistance] & mask));
                }

                ulong seed = seeds[i];
                int token = tokens[i];
                Debug.Assert(slots[i] == Slot(seed, token), "The slot is the pair's.");
                uint green = KgwDetection.Below(PrfV1.GreenValue(seed, token), threshold);
                TokenScore score = TokenScore.Repeated;
                // The mask keeps every index inside the array (whose length is mask + 1), whatever the slots.
                nint index = (nint)(uint)slots[i] & mask;
                while (true)
                {
                    ref Entry e = ref Unsafe.Add(ref first, index);
                    if (e.State == Empty)
                    {
                        e.Seed = seed;
                        e.Token = (uint)token;
                        e.State = RedState + green;
                        count++;
                        greenCount += green;
                        score = (TokenScore)(byte)(TokenScore.Red + (byte)green);
                        break;
                    }

                    if (e.Seed == seed && e.Token == (uint)token)
                    {
                        Debug.Assert(e.State == RedState + green, "Greenness is a function of the pair.");
                        break;
                    }

                    index = (index + 1) & mask;
                }

                if (record)
                {
                    scores[i] = score;
                }
            }
        }

        int added = count - Count;
        Count = count;
        GreenCount = greenCount;
        return added;
    }

    /// <summary>Asks the processor to bring an entry into the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref Entry entry)
    {
        if (Sse.IsSupported)
        {
            // A prefetch never faults, so an address the GC may move right after is harmless.
            Sse.Prefetch0(Unsafe.AsPointer(ref entry));
        }
    }

    /// <summary>Copies the occupied entries into a new array sorted by (seed, token): the canonical order.</summary>
    public (ulong Seed, int Token, bool Green)[] ToSortedArray()
    {
        var result = new (ulong Seed, int Token, bool Green)[Count];
        int n = 0;
        foreach (ref readonly Entry e in _entries.AsSpan(0, Slots))
        {
            if (e.State != Empty)
            {
                result[n++] = (e.Seed, (int)e.Token, e.State == GreenState);
            }
        }

        Array.Sort(result, static (a, b) => a.Seed != b.Seed ? a.Seed.CompareTo(b.Seed) : a.Token.CompareTo(b.Token));
        return result;
    }

    public void Clear()
    {
        Array.Clear(_entries, 0, Slots);
        Count = 0;
        GreenCount = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong seed, int token)
    {
        unchecked
        {
            ulong h = (seed ^ ((uint)token * 0x9E3779B97F4A7C15UL)) * 0xD6E8FEB86659FD93UL;
            return (int)(h >> 32) & _mask;
        }
    }

    private void Grow()
    {
        Entry[] old = _entries;
        int oldSlots = Slots;
        _entries = Allocate(oldSlots * 2, _pooled);
        _mask = (oldSlots * 2) - 1;
        foreach (ref readonly Entry e in old.AsSpan(0, oldSlots))
        {
            if (e.State != Empty)
            {
                int index = Slot(e.Seed, (int)e.Token);
                while (_entries[index].State != Empty)
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

    /// <summary>Gives a pooled table back; the set must not be used afterwards.</summary>
    public void ReturnToPool()
    {
        if (_pooled && _entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = [];
            _mask = -1;
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

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public ulong Seed;
        public uint Token;
        public uint State;
    }

    /// <summary>
    /// Adds <paramref name="other"/>'s counts to <paramref name="counts"/>: with a pair set
    /// (deduplication), the union of the sets decides the scored and green counts and every other
    /// scorable token of either side becomes a repeat; without one, the counts add.
    /// </summary>
    internal static void MergeCounts(SeedTokenSet? seen, ref GreenListCounts counts, in GreenListCounts other, (ulong Seed, int Token, bool Green)[]? pairs)
    {
        counts.Tokens += other.Tokens;
        counts.SkippedPrefix += other.SkippedPrefix;
        counts.SkippedCommon += other.SkippedCommon;
        if (seen is null)
        {
            counts.Scored += other.Scored;
            counts.Green += other.Green;
            counts.SkippedRepeated += other.SkippedRepeated;
            return;
        }

        long scorable = counts.Scored + counts.SkippedRepeated + other.Scored + other.SkippedRepeated;
        foreach (var (seed, token, green) in pairs ?? [])
        {
            seen.TryAdd(seed, token, green);
        }

        counts.Scored = seen.Count;
        counts.Green = seen.GreenCount;
        counts.SkippedRepeated = scorable - seen.Count;
    }
}
