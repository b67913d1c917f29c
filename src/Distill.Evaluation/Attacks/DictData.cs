using System;
using System.IO;
using System.IO.Compression;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// The data file of a dictd dictionary: dictzip (random access by chunk, from the <c>RA</c> subfield
/// of the gzip header, as dictzip(1) writes it) or plain gzip (decompressed whole).
/// </summary>
internal sealed class DictData
{
    private readonly byte[] _file;
    private readonly long[] _chunkStarts;
    private readonly int[] _chunkSizes;
    private readonly int _chunkLength;
    private readonly byte[]? _whole;
    private readonly string _path;

    private DictData(string path, byte[] file, long[] chunkStarts, int[] chunkSizes, int chunkLength, byte[]? whole, long length)
    {
        _path = path;
        _file = file;
        _chunkStarts = chunkStarts;
        _chunkSizes = chunkSizes;
        _chunkLength = chunkLength;
        _whole = whole;
        Length = length;
    }

    /// <summary>Gets the uncompressed length, in bytes.</summary>
    public long Length { get; }

    public static DictData Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 18 || file[0] != 0x1F || file[1] != 0x8B || file[2] != 8)
        {
            throw new InvalidDataException($"Dictionary file '{path}' is not gzip (dictzip).");
        }

        int flags = file[3], position = 10, chunkLength = 0;
        int[]? sizes = null;
        if ((flags & 4) != 0)
        {
            int extraLength = file[position] | (file[position + 1] << 8);
            int sub = position + 2, end = sub + extraLength;
            while (sub + 4 <= end && end <= file.Length)
            {
                int length = file[sub + 2] | (file[sub + 3] << 8);
                if (file[sub] == 'R' && file[sub + 1] == 'A' && length >= 6)
                {
                    chunkLength = file[sub + 6] | (file[sub + 7] << 8);
                    int count = file[sub + 8] | (file[sub + 9] << 8);
                    if (chunkLength == 0 || length < 6 + (2 * count))
                    {
                        throw new InvalidDataException($"Dictionary file '{path}' has a corrupt dictzip chunk table.");
                    }

                    sizes = new int[count];
                    for (int c = 0; c < count; c++)
                    {
                        sizes[c] = file[sub + 10 + (2 * c)] | (file[sub + 11 + (2 * c)] << 8);
                    }
                }

                sub += 4 + length;
            }

            position = end;
        }

        if (sizes is null)
        {
            using var stream = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
            using var memory = new MemoryStream();
            try
            {
                stream.CopyTo(memory);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"Dictionary file '{path}' is not valid gzip: {ex.Message}", ex);
            }

            return new DictData(path, file, [], [], 0, memory.ToArray(), memory.Length);
        }

        position = SkipZeroTerminated(file, position, (flags & 8) != 0);
        position = SkipZeroTerminated(file, position, (flags & 16) != 0);
        position += (flags & 2) != 0 ? 2 : 0;
        var starts = new long[sizes.Length];
        long start = position;
        for (int c = 0; c < sizes.Length; c++)
        {
            starts[c] = start;
            start += sizes[c];
        }

        if (start > file.Length)
        {
            throw new InvalidDataException($"Dictionary file '{path}' is shorter than its dictzip chunk table says.");
        }

        // The uncompressed size is the gzip trailer's ISIZE (mod 2^32; these files are far smaller).
        long total = (uint)(file[^4] | (file[^3] << 8) | (file[^2] << 16) | (file[^1] << 24));
        return new DictData(path, file, starts, sizes, chunkLength, null, total);
    }

    /// <summary>Reads uncompressed bytes [offset, offset + length).</summary>
    public byte[] Read(long offset, int length)
    {
        if (_whole is not null)
        {
            return _whole.AsSpan((int)offset, length).ToArray();
        }

        var result = new byte[length];
        int written = 0;
        while (written < length)
        {
            long at = offset + written;
            int chunk = (int)(at / _chunkLength), within = (int)(at % _chunkLength);
            if (chunk >= _chunkSizes.Length)
            {
                throw new InvalidDataException($"Dictionary file '{_path}': offset {at} lies past the last chunk.");
            }

            byte[] inflated = Inflate(chunk);
            int take = Math.Min(length - written, inflated.Length - within);
            if (take <= 0)
            {
                throw new InvalidDataException($"Dictionary file '{_path}': chunk {chunk} is shorter than the index needs.");
            }

            inflated.AsSpan(within, take).CopyTo(result.AsSpan(written));
            written += take;
        }

        return result;
    }

    private byte[] Inflate(int chunk)
    {
        using var stream = new DeflateStream(new MemoryStream(_file, (int)_chunkStarts[chunk], _chunkSizes[chunk]), CompressionMode.Decompress);
        var buffer = new byte[_chunkLength];
        int total = 0, read;
        try
        {
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Dictionary file '{_path}': chunk {chunk} does not inflate: {ex.Message}", ex);
        }

        return buffer[..total];
    }

    private static int SkipZeroTerminated(byte[] file, int position, bool present)
    {
        if (!present)
        {
            return position;
        }

        int zero = Array.IndexOf(file, (byte)0, position);
        return zero < 0 ? file.Length : zero + 1;
    }
}
