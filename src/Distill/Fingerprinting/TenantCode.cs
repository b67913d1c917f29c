using System;
using System.Runtime.CompilerServices;
using Distill.Prf;

namespace Distill.Fingerprinting;

/// <summary>
/// The frozen derivations of fingerprint version 1 (docs/fingerprinting.md): which codeword position a
/// context carries, the keyed 64-bit permutation that turns a tenant's number into its identity word,
/// the Tardos biases, and each tenant's Tardos bits. Keyed with the sub-key <c>fingerprint/v1</c>.
/// </summary>
internal sealed class TenantCode
{
    internal const string SubKeyPurpose = "fingerprint/v1";

    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const int Rounds = 8;

    private readonly ulong _positionKey;
    private readonly ulong _tenantKey;
    private readonly ulong[] _roundKeys = new ulong[Rounds];
    private readonly uint _identityThreshold;

    public TenantCode(WatermarkKey key, FingerprintOptions options)
    {
        key.Derive(SubKeyPurpose).GetWords(out ulong k0, out ulong k1, out ulong k2, out ulong k3);
        _positionKey = k0;
        _tenantKey = k3;
        for (int r = 0; r < Rounds; r++)
        {
            _roundKeys[r] = PrfV1.Mix64(unchecked(k1 + ((ulong)(r + 1) * Golden)));
        }

        TardosLength = options.TardosLength;
        Positions = options.Positions;
        _identityThreshold = (uint)Math.Min(Math.Floor(options.IdentityShare * 4294967296.0), uint.MaxValue);
        double t = 1.0 / (300.0 * options.DesignColluders);
        TardosThresholds = new ushort[TardosLength];
        TardosProbabilities = new double[TardosLength];
        for (int i = 0; i < TardosLength; i++)
        {
            double v = (PrfV1.Mix64(k2 ^ PrfV1.Mix64((ulong)i + 1)) >> 11) * (1.0 / 9007199254740992.0);
            double p = t + ((1.0 - (2.0 * t)) * SinSquaredHalfPi(v));
            int threshold = Math.Clamp((int)Math.Round(p * 65536.0, MidpointRounding.ToEven), 1, 65535);
            TardosThresholds[i] = (ushort)threshold;
            TardosProbabilities[i] = threshold / 65536.0;
        }
    }

    public int TardosLength { get; }

    public int Positions { get; }

    /// <summary>Gets, per Tardos position, the 16-bit threshold P: a tenant's bit is 1 when its 16-bit value is below P.</summary>
    public ushort[] TardosThresholds { get; }

    /// <summary>Gets the exact probability of a 1 at each Tardos position: P / 65536.</summary>
    public double[] TardosProbabilities { get; }

    /// <summary>The probability that a tenant's bit at <paramref name="position"/> is 1 (1/2 at identity positions).</summary>
    public double OneProbability(int position) =>
        position < FingerprintOptions.IdentityBits ? 0.5 : TardosProbabilities[position - FingerprintOptions.IdentityBits];

    /// <summary>The codeword position a context with this seed carries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Position(ulong seed)
    {
        ulong a = PrfV1.Mix64(seed ^ _positionKey);
        ulong low = a & 0xFFFFFFFFUL;
        return unchecked((uint)(a >> 32)) < _identityThreshold
            ? (int)((low * FingerprintOptions.IdentityBits) >> 32)
            : FingerprintOptions.IdentityBits + (int)((low * (ulong)TardosLength) >> 32);
    }

    /// <summary>The identity word: the tenant's number under the keyed permutation.</summary>
    public ulong IdentityWord(TenantId tenant)
    {
        uint left = unchecked((uint)(tenant.Value >> 32)), right = unchecked((uint)tenant.Value);
        for (int r = 0; r < Rounds; r++)
        {
            (left, right) = (right, left ^ Round(r, right));
        }

        return ((ulong)left << 32) | right;
    }

    /// <summary>The tenant whose identity word is <paramref name="word"/> (the inverse permutation).</summary>
    public TenantId TenantOf(ulong word)
    {
        uint left = unchecked((uint)(word >> 32)), right = unchecked((uint)word);
        for (int r = Rounds - 1; r >= 0; r--)
        {
            (left, right) = (right ^ Round(r, left), left);
        }

        return new TenantId(((ulong)left << 32) | right);
    }

    /// <summary>The seed of a tenant's Tardos bits.</summary>
    public ulong TardosSeed(TenantId tenant) => PrfV1.Mix64(tenant.Value ^ _tenantKey);

    /// <summary>The 64-bit word holding the 16-bit values of Tardos positions 4 c to 4 c + 3 (lowest bits first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong TardosChunk(ulong tardosSeed, int chunk) => PrfV1.Mix64(unchecked(tardosSeed + ((ulong)(chunk + 1) * Golden)));

    /// <summary>Whether the tenant's bit at codeword position <paramref name="position"/> is 1.</summary>
    public bool Bit(TenantId tenant, int position) => new CodewordReader(this, tenant).Bit(position);

    /// <summary>Writes the tenant's whole codeword as bits, position p at bit p % 64 of word p / 64.</summary>
    public void FillCodeword(TenantId tenant, Span<ulong> words)
    {
        words.Clear();
        words[0] = IdentityWord(tenant);
        ulong seed = TardosSeed(tenant);
        for (int chunk = 0; chunk * 4 < TardosLength; chunk++)
        {
            ulong values = TardosChunk(seed, chunk);
            for (int k = 0; k < 4; k++)
            {
                int i = (chunk * 4) + k;
                if (i >= TardosLength)
                {
                    break;
                }

                if (unchecked((ushort)(values >> (16 * k))) < TardosThresholds[i])
                {
                    int position = FingerprintOptions.IdentityBits + i;
                    words[position >> 6] |= 1UL << (position & 63);
                }
            }
        }
    }

    /// <summary>The number of 64-bit words a codeword takes.</summary>
    public int CodewordWords => (Positions + 63) >> 6;

    /// <summary>
    /// sin^2(pi v / 2) for v in [0, 1) by a Taylor polynomial in IEEE basic operations only, so that it
    /// gives the same bits on every machine (the platform's Math.Sin need not).
    /// </summary>
    internal static double SinSquaredHalfPi(double v)
    {
        // sin(pi v / 2) = cos(pi (1 - v) / 2): evaluate the series on the half where its argument is at most pi / 4.
        bool useCos = v > 0.5;
        double x = (useCos ? 1.0 - v : v) * (Math.PI / 2.0);
        double x2 = x * x;
        double term = useCos ? 1.0 : x;
        double sum = term;
        for (int k = 1; k <= 12; k++)
        {
            double denominator = useCos ? (2.0 * k) * ((2.0 * k) - 1.0) : (2.0 * k) * ((2.0 * k) + 1.0);
            term = -term * x2 / denominator;
            sum += term;
        }

        return sum * sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Round(int r, uint half) => unchecked((uint)(PrfV1.Mix64(half ^ _roundKeys[r]) >> 32));
}
