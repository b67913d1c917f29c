using System;

namespace Distill.Fingerprinting;

/// <summary>
/// A registry seen through one scheme's key: every tenant's identity word, in the registry's order
/// (for the scan), and a one-bit-per-slot filter of the words (2^k bits, k such that about 1 in 16
/// slots is set), so list decoding rarely needs the permutation inverse and the hash-set lookup.
/// </summary>
internal sealed class RegistryIndex
{
    private readonly ulong[] _filter;
    private readonly int _shift;

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
    }

    /// <summary>Gets the identity words, in the registry's order.</summary>
    public ulong[] Words { get; }

    /// <summary>False when no registered tenant has this identity word; true when one may.</summary>
    public bool MayContain(ulong word)
    {
        ulong slot = Slot(word);
        return (_filter[slot >> 6] & (1UL << (int)(slot & 63))) != 0;
    }

    // Identity words are outputs of a keyed permutation, so their top bits are uniform.
    private ulong Slot(ulong word) => word >> _shift;
}
