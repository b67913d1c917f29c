using System;
using System.IO.Hashing;

namespace Distill.ExpEdit;

/// <summary>
/// Parameters of the EXP-edit watermark (Kuditipudi, Thickstun, Hashimoto and Liang, "Robust
/// Distortion-Free Watermarks for Language Models", TMLR 2024), validated when each value is set.
/// </summary>
/// <remarks>Defaults: a key sequence of length 256. Instances are immutable.</remarks>
public sealed record ExpEditOptions
{
    private readonly int _keyLength = 256;

    /// <summary>Gets the defaults: key length 256.</summary>
    public static ExpEditOptions Default { get; } = new();

    /// <summary>Gets the length n of the key sequence (the number of distinct per-position uniform vectors), between 8 and 65536.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 8..65536.</exception>
    public int KeyLength
    {
        get => _keyLength;
        init
        {
            if (value is < 8 or > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(KeyLength), value, "The key length must be between 8 and 65536.");
            }

            _keyLength = value;
        }
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "exp-edit");
        SchemeDescriptor.AppendInt(hash, KeyLength);
    }
}
