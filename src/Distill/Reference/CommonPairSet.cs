using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Distill.Prf;

namespace Distill.Reference;

/// <summary>
/// The (seed, token) pairs that are common in reference text under one key: a read-only open-addressing
/// set of 64-bit pair keys, built once per scheme and shared by every thread.
/// </summary>
internal sealed class CommonPairSet
{
    private readonly ulong[] _keys;
    private readonly int _mask;

    private CommonPairSet(ulong[] keys, int count)
    {
        _keys = keys;
        _mask = keys.Length - 1;
        Count = count;
    }

    /// <summary>Gets the number of common pairs.</summary>
    public int Count { get; }

    /// <summary>The 64-bit key of a pair; never 0 (the empty slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PairKey(ulong seed, int token)
    {
        unchecked
        {
            ulong key = PrfV1.Mix64(seed ^ ((ulong)(uint)token * 0x9E3779B97F4A7C15UL) ^ 0x5245464552454E43UL);
            return key == 0 ? 1 : key;
        }
    }

    /// <summary>Returns whether the pair is common.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(ulong seed, int token)
    {
        ulong key = PairKey(seed, token);
        ulong[] keys = _keys;
        int index = (int)((key >> 32) & (uint)_mask);
        while (true)
        {
            ulong k = keys[index];
            if (k == key)
            {
                return true;
            }

            if (k == 0)
            {
                return false;
            }

            index = (index + 1) & _mask;
        }
    }

    /// <summary>
    /// Counts, in each corpus, the documents that contain each pair, and keeps the pairs that reach the
    /// corpus's threshold (<see cref="ReferenceFilterOptions.MinimumDocuments"/>).
    /// </summary>
    public static CommonPairSet Build(IPairSeeds scheme, ReferenceFilterOptions options, IReadOnlyList<ReferenceCorpus> corpora)
    {
        var common = new HashSet<ulong>();
        var seenInDocument = new HashSet<ulong>();
        foreach (ReferenceCorpus corpus in corpora)
        {
            int minimum = options.MinimumDocuments(corpus.Id);
            var documents = new Dictionary<ulong, int>();
            ulong[] seeds = [];
            foreach (ReadOnlyMemory<int> document in corpus.Documents)
            {
                ReadOnlySpan<int> tokens = document.Span;
                if (seeds.Length < tokens.Length)
                {
                    seeds = new ulong[tokens.Length];
                }

                int prefix = scheme.SeedsOf(tokens, seeds);
                seenInDocument.Clear();
                for (int i = prefix; i < tokens.Length; i++)
                {
                    ulong key = PairKey(seeds[i], tokens[i]);
                    if (seenInDocument.Add(key))
                    {
                        ref int count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(documents, key, out _);
                        if (++count == minimum)
                        {
                            common.Add(key);
                        }
                    }
                }
            }
        }

        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, common.Count * 2));
        var table = new ulong[size];
        foreach (ulong key in common)
        {
            int index = (int)((key >> 32) & (uint)(size - 1));
            while (table[index] != 0)
            {
                index = (index + 1) & (size - 1);
            }

            table[index] = key;
        }

        return new CommonPairSet(table, common.Count);
    }
}
