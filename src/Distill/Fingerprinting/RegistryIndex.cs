using System;

namespace Distill.Fingerprinting;

/// <summary>
/// A registry seen through one scheme's key: every tenant's identity word, in the registry's order
/// (for the scan), the tenants ordered by each byte of their word (to find those sharing a byte
/// with a decoded word), and a one-bit-per-slot filter of the words (2^k bits, k such that about 1 in 16
/// slots is set), so list decoding rarely needs the permutation inverse and the hash-set lookup.
/// </summary>
internal sealed class RegistryIndex
{
    private readonly ulong[] _filter;
    private readonly int _shift;

    // For each byte b of the identity word: the registry indices ordered by that byte's value, and
    // where each value's run starts (257 entries a byte).
    private readonly int[][] _byByte = new int[8][];
    private readonly int[][] _starts = new int[8][];

    public RegistryIndex(TenantCode code, TenantRegistry registry)
    {
        Words = new ulong[registry.Count];
        int bits = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)registry.Count * 16), 12, 30);
        _shift = 64 - bits;
        _filter = new ulong[(1 << bits) >> 6 == 0 ? 1 : (1 << bits) >> 6];
        for (int j = 0; j < Words.Length; j++)
        {
            ulong word = code.IdentityWord(registry.Tenants[j]);
            Words[j] = word;
            ulong slot = Slot(word);
            _filter[slot >> 6] |= 1UL << (int)(slot & 63);
        }

        for (int b = 0; b < 8; b++)
        {
            int[] starts = new int[257];
            foreach (ulong word in Words)
            {
                starts[ByteOf(word, b) + 1]++;
            }

            for (int v = 0; v < 256; v++)
            {
                starts[v + 1] += starts[v];
            }

            int[] members = new int[Words.Length];
            int[] next = (int[])starts.Clone();
            for (int j = 0; j < Words.Length; j++)
            {
                members[next[ByteOf(Words[j], b)]++] = j;
            }

            _byByte[b] = members;
            _starts[b] = starts;
        }
    }

    /// <summary>The registry indices (each once) of the tenants whose identity word equals <paramref name="word"/> in at least one whole byte.</summary>
    public int[] SharingAByte(ulong word)
    {
        var result = new System.Collections.Generic.List<int>();
        for (int b = 0; b < 8; b++)
        {
            int v = ByteOf(word, b);
            int[] members = _byByte[b];
            for (int k = _starts[b][v]; k < _starts[b][v + 1]; k++)
            {
                // Listed once: under the first byte it shares with the word.
                ulong same = ~(Words[members[k]] ^ word);
                bool earlier = false;
                for (int e = 0; e < b && !earlier; e++)
                {
                    earlier = ByteOf(same, e) == 0xFF;
                }

                if (!earlier)
                {
                    result.Add(members[k]);
                }
            }
        }

        return [.. result];
    }

    /// <summary>Gets the identity words, in the registry's order.</summary>
    public ulong[] Words { get; }

    /// <summary>False when no registered tenant has this identity word; true when one may.</summary>
    public bool MayContain(ulong word)
    {
        ulong slot = Slot(word);
        return (_filter[slot >> 6] & (1UL << (int)(slot & 63))) != 0;
    }

    private static int ByteOf(ulong word, int b) => (int)((word >> (8 * b)) & 0xFF);

    // Identity words are outputs of a keyed permutation, so their top bits are uniform.
    private ulong Slot(ulong word) => word >> _shift;
}
