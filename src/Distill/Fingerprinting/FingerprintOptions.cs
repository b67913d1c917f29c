using System;
using System.IO.Hashing;

namespace Distill.Fingerprinting;

/// <summary>
/// Parameters of the tenant fingerprint carried by a <see cref="FingerprintScheme"/>, validated
/// when each value is set. Instances are immutable.
/// </summary>
/// <remarks>
/// Each scored token carries one bit of its tenant's codeword: the position is chosen by its
/// context. The codeword has <see cref="IdentityBits"/> identity positions (the tenant's number
/// under a keyed permutation, decoded in one pass to find the tenant) and
/// <see cref="TardosLength"/> positions of a Tardos code (for tracing colluders in pooled corpora).
/// A context carries an identity position with probability <see cref="IdentityShare"/>.
/// </remarks>
public sealed record FingerprintOptions
{
    /// <summary>The number of identity positions: the tenant's 64-bit number, permuted.</summary>
    public const int IdentityBits = 64;

    private readonly double _identityShare = 0.5;
    private readonly int _tardosLength = 2048;
    private readonly int _designColluders = 8;

    /// <summary>Gets the defaults: identity share 0.5, Tardos length 2,048, designed for 8 colluders.</summary>
    public static FingerprintOptions Default { get; } = new();

    /// <summary>Gets the probability that a context carries an identity position rather than a Tardos one; strictly between 0 and 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value not strictly between 0 and 1, or NaN.</exception>
    public double IdentityShare
    {
        get => _identityShare;
        init
        {
            if (!(value > 0.0 && value < 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(IdentityShare), value, "The identity share must be strictly between 0 and 1.");
            }

            _identityShare = value;
        }
    }

    /// <summary>Gets the number of Tardos positions, from 64 to 2^20.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside [64, 2^20].</exception>
    public int TardosLength
    {
        get => _tardosLength;
        init
        {
            if (value < 64 || value > 1 << 20)
            {
                throw new ArgumentOutOfRangeException(nameof(TardosLength), value, "The Tardos length must be between 64 and 1,048,576.");
            }

            _tardosLength = value;
        }
    }

    /// <summary>
    /// Gets the coalition size the Tardos biases are cut for, from 1 to 64: biases lie in
    /// [t, 1 - t] with t = 1 / (300 c) (Tardos 2003).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside [1, 64].</exception>
    public int DesignColluders
    {
        get => _designColluders;
        init
        {
            if (value < 1 || value > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(DesignColluders), value, "The design coalition size must be between 1 and 64.");
            }

            _designColluders = value;
        }
    }

    /// <summary>Gets the codeword length: <see cref="IdentityBits"/> + <see cref="TardosLength"/> (written to the descriptor's JSON, so it stays public).</summary>
    public int Positions => IdentityBits + TardosLength;

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "fingerprint");
        SchemeDescriptor.AppendDouble(hash, IdentityShare);
        SchemeDescriptor.AppendInt(hash, TardosLength);
        SchemeDescriptor.AppendInt(hash, DesignColluders);
    }
}
