using System;
using System.IO.Hashing;

namespace Distill.ExpEdit;

/// <summary>
/// Parameters of the EXP-edit watermark (Kuditipudi, Thickstun, Hashimoto and Liang, "Robust
/// Distortion-Free Watermarks for Language Models", TMLR 2024), validated when each value is set:
/// everything embedder and detector must agree on.
/// </summary>
/// <remarks>
/// Defaults: a key sequence of length 256, text blocks of 256 tokens (a shorter text is one block),
/// edit penalty 0 (the value of the paper's EXP-edit experiments). Instances are immutable.
/// </remarks>
public sealed record ExpEditOptions
{
    private readonly int _keyLength = 256;
    private readonly int _blockLength = 256;
    private readonly double _editPenalty;

    /// <summary>Gets the defaults: key length 256, block length 256, edit penalty 0.</summary>
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

    /// <summary>
    /// Gets the length k of the text blocks the test aligns with the key, between 4 and 4096. A text
    /// of at most k tokens is aligned whole; a longer one block by block (every start), which costs
    /// (length - k + 1) times as much.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 4..4096.</exception>
    public int BlockLength
    {
        get => _blockLength;
        init
        {
            if (value is < 4 or > 4096)
            {
                throw new ArgumentOutOfRangeException(nameof(BlockLength), value, "The block length must be between 4 and 4096.");
            }

            _blockLength = value;
        }
    }

    /// <summary>Gets the cost gamma of an insertion or a deletion in the alignment, between 0 and 16 (the paper uses 0 for EXP-edit).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 16], or NaN.</exception>
    public double EditPenalty
    {
        get => _editPenalty;
        init
        {
            if (!(value >= 0.0 && value <= 16.0))
            {
                throw new ArgumentOutOfRangeException(nameof(EditPenalty), value, "The edit penalty must be between 0 and 16.");
            }

            _editPenalty = value;
        }
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "exp-edit");
        SchemeDescriptor.AppendInt(hash, KeyLength);
        SchemeDescriptor.AppendInt(hash, BlockLength);
        SchemeDescriptor.AppendDouble(hash, EditPenalty);
    }
}
