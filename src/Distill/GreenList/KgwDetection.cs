using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Distill.Detection;
using Distill.Prf;
using Distill.Reference;

namespace Distill.GreenList;

/// <summary>
/// The detection loop of <see cref="KgwScheme"/>: scores a token stream chunk by chunk, computing
/// each chunk's token hashes in one pass (independent, so they pipeline) and then the seeds and
/// greenness from that array, with the carried <see cref="HashWindow"/> in front of it. Gives exactly
/// the per-token results of pushing tokens one at a time through the window.
/// </summary>
[SkipLocalsInit]
internal static class KgwDetection
{
    /// <summary>Tokens per chunk: the hashes, seeds and slots of a chunk (20 KiB) stay in the L1 cache.</summary>
    internal const int ChunkLength = 1024;

    /// <summary>Room in front of a chunk's hashes for the carried window.</summary>
    private const int Lead = KgwOptions.MaxContextWidth;

    /// <summary>Computes the seed of a candidate from its hash and the hashes before it in memory.</summary>
    internal interface ISeeder
    {
        /// <summary>The seed of the candidate whose token hash is <paramref name="candidate"/>; the previous hashes precede it.</summary>
        ulong Seed(ref ulong candidate);
    }

    /// <summary>Scores <paramref name="tokens"/> (already validated and counted in <see cref="GreenListCounts.Tokens"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Score<TSeeder>(
        TSeeder seeder,
        PrfV1 prf,
        int prefix,
        uint threshold,
        ReadOnlySpan<int> tokens,
        ref HashWindow window,
        SeedTokenSet? seen,
        CommonPairSet? common,
        ref GreenListCounts counts,
        Span<TokenScore> destination)
        where TSeeder : struct, ISeeder
    {
        unchecked
        {
            int width = Math.Max(prefix, 1);
            bool record = !destination.IsEmpty;
            int chunkLength = Math.Min(ChunkLength, tokens.Length);
            Span<ulong> buffer = stackalloc ulong[Lead + chunkLength];
            Span<ulong> seeds = seen is null ? default : stackalloc ulong[chunkLength];
            Span<int> slots = seen is null ? default : stackalloc int[chunkLength];

            // The compacted pairs of a chunk under a reference filter with deduplication.
            bool compact = common is not null && seen is not null;
            Span<int> kept = compact ? stackalloc int[chunkLength] : default;
            Span<int> positions = compact ? stackalloc int[chunkLength] : default;
            Span<TokenScore> keptScores = compact && record ? stackalloc TokenScore[chunkLength] : default;

            int carried = window.Count;
            Debug.Assert(carried <= width && carried == Math.Min(window.Seen, width), "The window holds the newest hashes.");
            window.Last(carried).CopyTo(buffer[(Lead - carried)..]);
            long position = window.Seen;
            long skippedPrefix = 0, skippedRepeated = 0, skippedCommon = 0, scored = 0, green = 0;

            for (int start = 0; start < tokens.Length; start += chunkLength)
            {
                int n = Math.Min(chunkLength, tokens.Length - start);
                ReadOnlySpan<int> chunk = tokens.Slice(start, n);
                ref int token0 = ref MemoryMarshal.GetReference(chunk);
                ref ulong hash0 = ref buffer[Lead];

                // Pass 1: the token hashes (independent of one another).
                for (int j = 0; j < n; j++)
                {
                    Unsafe.Add(ref hash0, j) = prf.TokenHash(Unsafe.Add(ref token0, j));
                }

                // Tokens without a full context (only at the start of a document).
                int skip = position >= prefix ? 0 : (int)Math.Min(prefix - position, n);
                if (skip > 0)
                {
                    skippedPrefix += skip;
                    if (record)
                    {
                        // TokenScore.Prefix is 0.
                        destination.Slice(start, skip).Clear();
                    }
                }

                // Pass 2: seeds and greenness. The previous hashes of position j >= skip are all in the
                // buffer: in this chunk, or carried in front of it.
                if (common is not null && seen is not null)
                {
                    // With a reference filter and deduplication: pairs common in the reference are not
                    // scored, whatever their greenness; the others go through the batched inserts below,
                    // compacted, and their scores are scattered back to their positions.
                    seen.Reserve(n - skip);
                    int m = 0;
                    for (int j = skip; j < n; j++)
                    {
                        ulong seed = seeder.Seed(ref Unsafe.Add(ref hash0, j));
                        int token = Unsafe.Add(ref token0, j);
                        if (common.Contains(seed, token))
                        {
                            skippedCommon++;
                            if (record)
                            {
                                destination[start + j] = TokenScore.Common;
                            }

                            continue;
                        }

                        seeds[m] = seed;
                        kept[m] = token;
                        slots[m] = seen.SlotOf(seed, token);
                        positions[m] = j;
                        m++;
                    }

                    long greenBefore = seen.GreenCount;
                    int added = seen.AddRange(seeds[..m], kept[..m], slots[..m], threshold, record ? keptScores[..m] : default);
                    if (record)
                    {
                        for (int i = 0; i < m; i++)
                        {
                            destination[start + positions[i]] = keptScores[i];
                        }
                    }

                    scored += added;
                    skippedRepeated += m - added;
                    green += seen.GreenCount - greenBefore;
                }
                else if (common is not null)
                {
                    // With a reference filter, without deduplication.
                    for (int j = skip; j < n; j++)
                    {
                        ulong seed = seeder.Seed(ref Unsafe.Add(ref hash0, j));
                        int token = Unsafe.Add(ref token0, j);
                        TokenScore score;
                        if (common.Contains(seed, token))
                        {
                            skippedCommon++;
                            score = TokenScore.Common;
                        }
                        else
                        {
                            uint isGreen = Below(PrfV1.GreenValue(seed, token), threshold);
                            scored++;
                            green += isGreen;
                            score = (TokenScore)(byte)(1 + isGreen);
                        }

                        if (record)
                        {
                            destination[start + j] = score;
                        }
                    }
                }
                else if (seen is null)
                {
                    long g = 0;
                    if (record)
                    {
                        ref TokenScore score0 = ref MemoryMarshal.GetReference(destination.Slice(start, n));
                        for (int j = skip; j < n; j++)
                        {
                            ulong seed = seeder.Seed(ref Unsafe.Add(ref hash0, j));
                            uint isGreen = Below(PrfV1.GreenValue(seed, Unsafe.Add(ref token0, j)), threshold);
                            g += isGreen;
                            Unsafe.Add(ref score0, j) = (TokenScore)(byte)(1 + isGreen);
                        }
                    }
                    else
                    {
                        for (int j = skip; j < n; j++)
                        {
                            ulong seed = seeder.Seed(ref Unsafe.Add(ref hash0, j));
                            g += Below(PrfV1.GreenValue(seed, Unsafe.Add(ref token0, j)), threshold);
                        }
                    }

                    scored += n - skip;
                    green += g;
                }
                else
                {
                    // Seeds and home slots first; then the inserts, in order, with the table's cache misses
                    // overlapping (see SeedTokenSet.AddRange).
                    seen.Reserve(n - skip);
                    ref ulong seed0 = ref MemoryMarshal.GetReference(seeds);
                    ref int slot0 = ref MemoryMarshal.GetReference(slots);
                    for (int j = skip; j < n; j++)
                    {
                        ulong seed = seeder.Seed(ref Unsafe.Add(ref hash0, j));
                        int slot = seen.SlotOf(seed, Unsafe.Add(ref token0, j));
                        Unsafe.Add(ref seed0, j) = seed;
                        Unsafe.Add(ref slot0, j) = slot;
                    }

                    long greenBefore = seen.GreenCount;
                    int added = seen.AddRange(
                        seeds[skip..n], chunk[skip..], slots[skip..n], threshold, record ? destination.Slice(start + skip, n - skip) : default);
                    long g = seen.GreenCount - greenBefore;
                    scored += added;
                    skippedRepeated += n - skip - added;
                    green += g;
                }

                // Keep the newest hashes in front of the buffer for the next chunk.
                position += n;
                int keep = (int)Math.Min(width, (long)carried + n);
                buffer.Slice(Lead + n - keep, keep).CopyTo(buffer[(Lead - keep)..]);
                carried = keep;
            }

            window.SetNewest(buffer.Slice(Lead - carried, carried), tokens.Length);
            counts.SkippedPrefix += skippedPrefix;
            counts.SkippedRepeated += skippedRepeated;
            counts.SkippedCommon += skippedCommon;
            counts.Scored += scored;
            counts.Green += green;
        }
    }

    /// <summary>1 when <paramref name="value"/> is below <paramref name="threshold"/>, else 0, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Below(uint value, uint threshold) => unchecked((uint)((ulong)((long)value - threshold) >> 63));

    /// <summary>The unsigned minimum, without a branch (the comparisons of random hashes are unpredictable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Min(ulong x, ulong y)
    {
        unchecked
        {
            ulong mask = 0UL - Unsafe.BitCast<bool, byte>(y < x);
            return x ^ ((x ^ y) & mask);
        }
    }

    /// <summary>SelfHash over the candidate and the 3 tokens before it (context width 4, the default).</summary>
    internal readonly struct SelfHash3(ulong k3) : ISeeder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Seed(ref ulong candidate)
        {
            unchecked
            {
                ulong h = candidate;
                ulong a = h | 1UL;
                ulong m = Min(
                    Min(h * a, Unsafe.Subtract(ref candidate, 1) * a),
                    Min(Unsafe.Subtract(ref candidate, 2) * a, Unsafe.Subtract(ref candidate, 3) * a));
                return PrfV1.Mix64(m ^ k3);
            }
        }
    }

    /// <summary>SelfHash over the candidate and the <c>previous</c> tokens before it.</summary>
    internal readonly struct SelfHashN(ulong k3, int previous) : ISeeder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Seed(ref ulong candidate)
        {
            unchecked
            {
                ulong h = candidate;
                ulong a = h | 1UL;
                ulong m = h * a;
                for (int i = 1; i <= previous; i++)
                {
                    m = Min(m, Unsafe.Subtract(ref candidate, i) * a);
                }

                return PrfV1.Mix64(m ^ k3);
            }
        }
    }

    /// <summary>LeftHash over the one token before the candidate (context width 1).</summary>
    internal readonly struct LeftHash1(ulong k2) : ISeeder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Seed(ref ulong candidate) => PrfV1.LeftSeedStep(k2, Unsafe.Subtract(ref candidate, 1));
    }

    /// <summary>LeftHash over the <c>width</c> tokens before the candidate, oldest first.</summary>
    internal readonly struct LeftHashN(ulong k2, int width) : ISeeder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Seed(ref ulong candidate)
        {
            ulong state = k2;
            for (int i = width; i >= 1; i--)
            {
                state = PrfV1.LeftSeedStep(state, Unsafe.Subtract(ref candidate, i));
            }

            return state;
        }
    }
}
