using System.Runtime.CompilerServices;

namespace Distill.Fingerprinting;

/// <summary>
/// Reads one tenant's codeword bits at increasing positions, computing each 4-position Tardos chunk
/// once (positions may be skipped; visiting them out of order is correct, only slower).
/// </summary>
internal struct CodewordReader(TenantCode code, TenantId tenant)
{
    private readonly ulong _identity = code.IdentityWord(tenant);
    private readonly ulong _seed = code.TardosSeed(tenant);
    private int _chunk = -1;
    private ulong _values;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Bit(int position)
    {
        if (position < FingerprintOptions.IdentityBits)
        {
            return ((_identity >> position) & 1UL) != 0;
        }

        int i = position - FingerprintOptions.IdentityBits;
        if (i >> 2 != _chunk)
        {
            _chunk = i >> 2;
            _values = TenantCode.TardosChunk(_seed, _chunk);
        }

        return unchecked((ushort)(_values >> (16 * (i & 3)))) < code.TardosThresholds[i];
    }
}
