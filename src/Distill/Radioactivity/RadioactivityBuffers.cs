using System;
using Distill.Prf;

namespace Distill.Radioactivity;

/// <summary>Growable per-test scratch arrays (a test is not thread-safe, so it owns them).</summary>
internal static class RadioactivityBuffers
{
    /// <summary>Returns <paramref name="buffer"/> grown to at least <paramref name="length"/> elements (contents not kept).</summary>
    public static T[] Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, (int)Math.Min(2L * buffer.Length, Array.MaxLength))];
        }

        return buffer;
    }

    /// <summary>The PRF version 1 token hashes of <paramref name="text"/>, in <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<ulong> TokenHashes(ref ulong[] buffer, ReadOnlySpan<int> text, in PrfV1 prf)
    {
        Span<ulong> hashes = Ensure(ref buffer, text.Length).AsSpan(0, text.Length);
        for (int j = 0; j < text.Length; j++)
        {
            hashes[j] = prf.TokenHash(text[j]);
        }

        return hashes;
    }
}
