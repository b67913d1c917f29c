using System;
using System.IO.Hashing;

namespace Distill.Interop;

/// <summary>
/// Parameters of Hugging Face transformers' SynthID-Text watermark
/// (<c>SynthIDTextWatermarkingConfig</c>, <c>SynthIDTextWatermarkLogitsProcessor</c>), profile
/// <c>hf-synthid</c>; validated when each value is set.
/// </summary>
/// <remarks>
/// Defaults are the reference's: n-gram length 5, a sampling table of 2^16 entries from table seed 0,
/// a context history of 1024, no skipped first calls, no EOS token. The keys (one per tournament
/// layer) are the profile's secret, never a parameter; their number is the depth. Instances are immutable.
/// </remarks>
public sealed record HfSynthIdOptions
{
    private readonly int _ngramLength = 5;
    private readonly int _tableSize = 1 << 16;
    private readonly int _contextHistory = 1024;
    private readonly int _eosTokenId = -1;

    /// <summary>Gets the reference's defaults.</summary>
    public static HfSynthIdOptions Default { get; } = new();

    /// <summary>Gets the n-gram length: the context is the previous n - 1 generated tokens. Between 2 and 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 2..64.</exception>
    public int NgramLength
    {
        get => _ngramLength;
        init
        {
            if (value is < 2 or > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(NgramLength), value, "The n-gram length must be between 2 and 64.");
            }

            _ngramLength = value;
        }
    }

    /// <summary>Gets the sampling table's size: a power of two between 2 and 2^24.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a power of two in 2..2^24.</exception>
    public int TableSize
    {
        get => _tableSize;
        init
        {
            if (value is < 2 or > 1 << 24 || (value & (value - 1)) != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(TableSize), value, "The sampling table size must be a power of two between 2 and 16777216.");
            }

            _tableSize = value;
        }
    }

    /// <summary>Gets the seed of the generator that draws the sampling table (the reference's <c>sampling_table_seed</c>).</summary>
    public ulong TableSeed { get; init; }

    /// <summary>Gets how many earlier context hashes the processor remembers to leave repeated contexts unwatermarked (1 to 2^20).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..1048576.</exception>
    public int ContextHistory
    {
        get => _contextHistory;
        init
        {
            if (value is < 1 or > 1 << 20)
            {
                throw new ArgumentOutOfRangeException(nameof(ContextHistory), value, "The context history must be between 1 and 1048576.");
            }

            _contextHistory = value;
        }
    }

    /// <summary>Gets whether the processor leaves its first n - 1 calls unwatermarked (the reference's <c>skip_first_ngram_calls</c>).</summary>
    public bool SkipFirstNgramCalls { get; init; }

    /// <summary>Gets the model's end-of-sequence token id, masked from detection on (its first occurrence and after), or -1 for none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below -1.</exception>
    public int EosTokenId
    {
        get => _eosTokenId;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1, nameof(EosTokenId));
            _eosTokenId = value;
        }
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "hf-synthid");
        SchemeDescriptor.AppendInt(hash, NgramLength);
        SchemeDescriptor.AppendInt(hash, TableSize);
        Span<byte> seed = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(seed, TableSeed);
        hash.Append(seed);
        SchemeDescriptor.AppendInt(hash, ContextHistory);
        SchemeDescriptor.AppendInt(hash, SkipFirstNgramCalls ? 1 : 0);
        SchemeDescriptor.AppendInt(hash, EosTokenId);
    }
}
