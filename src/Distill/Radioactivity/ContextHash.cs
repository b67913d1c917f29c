using System;
using System.Runtime.CompilerServices;
using Distill.Prf;

namespace Distill.Radioactivity;

/// <summary>
/// ContextHash version 1: an unkeyed 64-bit hash of the tokens a seed depends on, the unit of prompt
/// exclusion and of the supervised filter (specified in <c>docs/radioactivity.md</c>; frozen, since
/// filters are stored). s = Mix64(0x636F6E7465787431 + w), then s = Mix64(s XOR (t * 0x9E3779B97F4A7C15))
/// for each token t of the w tokens, oldest first, in 64-bit wrapping arithmetic.
/// </summary>
internal static class ContextHash
{
    private const ulong Start = 0x636F6E7465787431UL; // "context1"
    private const ulong Stride = 0x9E3779B97F4A7C15UL;

    /// <summary>The hash of <paramref name="tokens"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<int> tokens)
    {
        unchecked
        {
            ulong s = PrfV1.Mix64(Start + (ulong)tokens.Length);
            foreach (int t in tokens)
            {
                s = PrfV1.Mix64(s ^ ((ulong)(uint)t * Stride));
            }

            return s;
        }
    }

    /// <summary>The exclusion unit of position <paramref name="position"/>: the context's tokens, or the candidate itself when the seed depends on no context.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong OfPosition(ReadOnlySpan<int> text, ReadOnlySpan<int> candidates, int position, int prefixLength) =>
        prefixLength == 0 ? Of(candidates.Slice(position, 1)) : Of(text.Slice(position - prefixLength, prefixLength));

    /// <summary>One 64-bit key for a (seed, token) pair, for sets where a rare collision only excludes more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong OfPair(ulong seed, int token) => unchecked(PrfV1.Mix64(seed ^ PrfV1.Mix64(Start ^ ((ulong)(uint)token * Stride))));
}
