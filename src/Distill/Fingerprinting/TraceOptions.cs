using System;

namespace Distill.Fingerprinting;

/// <summary>Options of tracing one document (or one body of evidence) to a tenant. Immutable.</summary>
public sealed record TraceOptions
{
    private readonly double _alpha = 1e-3;
    private readonly int _listDecodingBits = 16;

    /// <summary>Gets the defaults: alpha 1e-3, list decoding over the 16 least certain identity bits.</summary>
    public static TraceOptions Default { get; } = new();

    /// <summary>
    /// Gets the significance level: a tenant is named only when its p-value, corrected for the
    /// tenants searched, is at most alpha. Between 0 (exclusive) and 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1], or NaN.</exception>
    public double Alpha
    {
        get => _alpha;
        init
        {
            if (!(value > 0.0 && value <= 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(Alpha), value, "Alpha must be greater than 0 and at most 1.");
            }

            _alpha = value;
        }
    }

    /// <summary>
    /// Gets how many of the least certain identity bits list decoding may flip, from 0 to 20: up to
    /// 2^bits identity words are tried (each a permutation inverse and a registry lookup).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 20].</exception>
    public int ListDecodingBits
    {
        get => _listDecodingBits;
        init
        {
            if (value < 0 || value > 20)
            {
                throw new ArgumentOutOfRangeException(nameof(ListDecodingBits), value, "List decoding may flip 0 to 20 bits.");
            }

            _listDecodingBits = value;
        }
    }
}
