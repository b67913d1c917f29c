using System;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Distill;

public sealed partial record SchemeDescriptor
{
    /// <summary>
    /// Gets a stable hash of the descriptor: 16 lowercase hexadecimal digits of XxHash64 (seed 0)
    /// over a canonical binary encoding of every field (documented in <c>docs/descriptor.md</c>).
    /// Equal descriptors have equal hashes on every machine and in every release.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Hash => Convert.ToHexStringLower(ComputeHashBytes());

    private byte[] ComputeHashBytes()
    {
        var hash = new XxHash64(0);
        AppendString(hash, "distill-descriptor/v1");
        AppendString(hash, Scheme);
        AppendInt(hash, SchemeVersion);
        AppendInt(hash, PrfVersion);
        AppendInt(hash, VocabularySize);
        AppendString(hash, Tokenizer);
        AppendString(hash, KeyId);
        // One typed block per built-in scheme, each only when present, in the registry's fixed order
        // (KGW's writes a null marker when absent), so that KGW hashes never changed as schemes were added.
        Registry.SchemeRegistry.AppendTypedBlocks(this, hash);

        // The reference filter is a block of its own, after those, so descriptors without one keep their hash.
        Reference?.AppendHash(hash);

        // The generic parameters of schemes added through the registry come last, only when present.
        Parameters?.AppendHash(hash);

        return hash.GetCurrentHash();
    }

    internal static void AppendInt(XxHash64 hash, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        hash.Append(buffer);
    }

    internal static void AppendLong(XxHash64 hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.Append(buffer);
    }

    internal static void AppendDouble(XxHash64 hash, double value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, BitConverter.DoubleToInt64Bits(value));
        hash.Append(buffer);
    }

    // A string is its UTF-8 byte count (little-endian int32, -1 for null) followed by its bytes.
    internal static void AppendString(XxHash64 hash, string? value)
    {
        if (value is null)
        {
            AppendInt(hash, -1);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        AppendInt(hash, bytes.Length);
        hash.Append(bytes);
    }
}
