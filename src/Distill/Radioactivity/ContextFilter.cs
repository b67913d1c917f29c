using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using Distill.Detection;
using Distill.Gumbel;

namespace Distill.Radioactivity;

/// <summary>
/// The supervised setting's filter: the set of contexts that occur in our own watermarked outputs
/// (the text we suspect the model was trained on), so that the radioactivity tests score only the
/// suspect's tokens after those contexts, where a trained model carries the watermark's bias.
/// </summary>
/// <remarks>
/// <para>
/// A context is the tokens a scheme's seed depends on (the previous h tokens), kept as its 64-bit
/// ContextHash version 1 (<c>docs/radioactivity.md</c>):
/// 8 bytes per distinct context in memory, fewer on disk (sorted, delta-encoded). The hash is not
/// keyed: anyone holding a filter can test whether a given n-gram occurs in our outputs, so keep it
/// as private as the outputs. A filter is bound to the descriptor (scheme, parameters, tokenizer and
/// key) it was built for.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class ContextFilter
{
    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "DSTLCTXF"u8;

    private readonly ulong[] _sorted;
    private readonly ContextSeedSet _set;

    private ContextFilter(SchemeDescriptor descriptor, int prefixLength, ulong[] sorted)
    {
        DescriptorHash = descriptor.Hash;
        PrefixLength = prefixLength;
        _sorted = sorted;
        _set = new ContextSeedSet(sorted.Length);
        foreach (ulong unit in sorted)
        {
            _set.Add(unit);
        }
    }

    /// <summary>Gets the number of distinct contexts.</summary>
    public int Count => _sorted.Length;

    /// <summary>Gets the hash of the descriptor the filter was built for.</summary>
    public string DescriptorHash { get; }

    /// <summary>Gets the number of tokens in each context.</summary>
    public int PrefixLength { get; }

    /// <summary>Builds the filter of our watermarked outputs.</summary>
    /// <param name="scheme">The scheme and key the outputs were watermarked with.</param>
    /// <param name="watermarkedOutputs">The outputs' token ids, one document each.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The scheme has no radioactivity test (EXP-edit) or no contexts (Unigram).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public static ContextFilter Create(WatermarkScheme scheme, IEnumerable<ReadOnlyMemory<int>> watermarkedOutputs)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(watermarkedOutputs);
        int w = ContextLength(scheme);
        var units = new HashSet<ulong>();
        foreach (ReadOnlyMemory<int> output in watermarkedOutputs)
        {
            ReadOnlySpan<int> tokens = output.Span;
            LogitsGuard.ValidateTokens(tokens, scheme.VocabularySize, nameof(watermarkedOutputs));
            for (int i = w; i < tokens.Length; i++)
            {
                units.Add(ContextHash.OfPosition(tokens, tokens, i, w));
            }
        }

        ulong[] sorted = [.. units];
        Array.Sort(sorted);
        return new ContextFilter(scheme.Descriptor, w, sorted);
    }

    /// <summary>Returns whether <paramref name="scheme"/> can have a filter: its values depend on a context (every scheme with a radioactivity test but Unigram).</summary>
    /// <param name="scheme">The scheme.</param>
    /// <returns><see langword="true"/> when <see cref="Create"/> accepts the scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheme"/> is <see langword="null"/>.</exception>
    public static bool Supports(WatermarkScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        return scheme.CreateRadioactivityScorer() is { PrefixLength: > 0 };
    }

    /// <summary>Writes the filter: a header, the sorted contexts as varint deltas, and an XxHash64 checksum.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = new MemoryStream();
        buffer.Write(Magic);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(word, FormatVersion);
        buffer.Write(word[..4]);
        buffer.Write(Convert.FromHexString(DescriptorHash));
        BinaryPrimitives.WriteInt32LittleEndian(word, PrefixLength);
        buffer.Write(word[..4]);
        BinaryPrimitives.WriteInt64LittleEndian(word, _sorted.Length);
        buffer.Write(word);
        ulong previous = 0;
        foreach (ulong unit in _sorted)
        {
            WriteVarint(buffer, unchecked(unit - previous));
            previous = unit;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(word, XxHash64.HashToUInt64(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        buffer.Write(word);
        destination.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a filter that <see cref="WriteTo"/> wrote for <paramref name="scheme"/>.</summary>
    /// <param name="source">The stream to read from (read to the end of the filter, not beyond).</param>
    /// <param name="scheme">The scheme and key the filter is used with.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt or not a context filter.</exception>
    /// <exception cref="DescriptorMismatchException">The filter was built for another descriptor.</exception>
    /// <exception cref="NotSupportedException">The scheme has no radioactivity test (EXP-edit) or no contexts (Unigram).</exception>
    public static ContextFilter ReadFrom(Stream source, WatermarkScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheme);
        int w = ContextLength(scheme);
        var hash = new XxHash64();
        Span<byte> header = stackalloc byte[8 + 4 + 8 + 4 + 8];
        ReadExactly(source, header, hash);
        if (!header[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a Distill context filter (bad magic).");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Context filter format version {version} is not supported (this release reads version {FormatVersion}).");
        }

        string descriptorHash = Convert.ToHexStringLower(header.Slice(12, 8));
        if (descriptorHash != scheme.Descriptor.Hash)
        {
            throw new DescriptorMismatchException($"The context filter was built for descriptor {descriptorHash}, not {scheme.Descriptor.Hash} (another scheme, parameters, tokenizer or key).");
        }

        int prefixLength = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (prefixLength != w)
        {
            throw new InvalidDataException($"The context filter holds contexts of {prefixLength} tokens, but the scheme's are {w} tokens long.");
        }

        if (count is < 0 or > int.MaxValue)
        {
            throw new InvalidDataException($"The context filter claims {count} contexts.");
        }

        var sorted = new List<ulong>((int)Math.Min(count, 1 << 20));
        ulong previous = 0;
        for (long i = 0; i < count; i++)
        {
            ulong delta = ReadVarint(source, hash);
            if (i > 0 && delta == 0)
            {
                throw new InvalidDataException("The context filter is corrupt (contexts not strictly increasing).");
            }

            ulong unit = unchecked(previous + delta);
            if (i > 0 && unit < previous)
            {
                throw new InvalidDataException("The context filter is corrupt (contexts not strictly increasing).");
            }

            sorted.Add(unit);
            previous = unit;
        }

        ulong expected = hash.GetCurrentHashAsUInt64();
        Span<byte> checksum = stackalloc byte[8];
        ReadExactly(source, checksum, null);
        if (BinaryPrimitives.ReadUInt64LittleEndian(checksum) != expected)
        {
            throw new InvalidDataException("The context filter is corrupt (checksum mismatch).");
        }

        return new ContextFilter(scheme.Descriptor, w, [.. sorted]);
    }

    /// <summary>The scheme's context length, or why it cannot have a filter.</summary>
    private static int ContextLength(WatermarkScheme scheme)
    {
        int w = RadioactivityTally.CreateScorer(scheme).PrefixLength;
        if (w == 0)
        {
            throw new NotSupportedException(
                $"Scheme '{scheme.Descriptor.Scheme}' has no contexts: its one green list is the same everywhere, so a filter of the tokens in our outputs " +
                "would select the suspect's tokens by their greenness (our outputs favour green tokens) and fake a positive. Use the unsupervised test.");
        }

        return w;
    }

    /// <summary>Whether a context (its ContextHash) is in the filter.</summary>
    internal bool Contains(ulong unit) => _set.Contains(unit);

    /// <summary>Throws unless the filter was built for <paramref name="descriptor"/>.</summary>
    internal void CheckFor(SchemeDescriptor descriptor)
    {
        if (DescriptorHash != descriptor.Hash)
        {
            throw new DescriptorMismatchException($"The context filter was built for descriptor {DescriptorHash}, not {descriptor.Hash} (another scheme, parameters, tokenizer or key).");
        }
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte(unchecked((byte)(value | 0x80)));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private static ulong ReadVarint(Stream stream, XxHash64 hash)
    {
        ulong value = 0;
        Span<byte> one = stackalloc byte[1];
        for (int shift = 0; shift < 64; shift += 7)
        {
            ReadExactly(stream, one, hash);
            byte b = one[0];
            if (shift == 63 && b > 1)
            {
                throw new InvalidDataException("The context filter is corrupt (a varint overflows 64 bits).");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("The context filter is corrupt (a varint is too long).");
    }

    private static void ReadExactly(Stream stream, Span<byte> destination, XxHash64? hash)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The context filter is truncated.", e);
        }

        hash?.Append(destination);
    }
}
