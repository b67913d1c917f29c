using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;
using Distill.Detection;

namespace Distill;

/// <summary>
/// Scoring state of one scheme that grows document by document (streaming detection) and merges
/// with other accumulators of the same descriptor (a corpus scored on many cores or machines), with
/// the p-value computed only at the end.
/// </summary>
/// <remarks>
/// <para>
/// Tokens appended in several calls continue one document until <see cref="EndDocument"/>. Merging
/// is associative and commutative. With deduplication, a (context, token) pair scored by either side
/// is scored once in the union.
/// </para>
/// <para>
/// <see cref="WriteTo"/> stores the state stamped with the descriptor hash and checksummed;
/// <see cref="WatermarkScheme.ReadAccumulator"/> refuses state written under another descriptor.
/// </para>
/// <para>Not thread-safe: use one accumulator per thread and merge.</para>
/// </remarks>
public abstract class WatermarkAccumulator
{
    /// <summary>Initializes the base class.</summary>
    protected WatermarkAccumulator()
    {
    }

    /// <summary>Gets the descriptor of the scheme the tokens are scored under.</summary>
    public abstract SchemeDescriptor Descriptor { get; }

    /// <summary>Gets whether repeated (context, token) pairs are scored once.</summary>
    public abstract bool Deduplicate { get; }

    /// <summary>Gets the number of tokens appended.</summary>
    public abstract long TokenCount { get; }

    /// <summary>Gets the number of tokens scored so far.</summary>
    public abstract long ScoredTokens { get; }

    /// <summary>Appends tokens to the open document.</summary>
    /// <param name="tokens">The next token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is appended.</exception>
    public abstract void Append(ReadOnlySpan<int> tokens);

    /// <summary>Appends one token to the open document.</summary>
    /// <param name="token">The next token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The token id is outside the vocabulary; nothing is appended.</exception>
    public virtual void Append(int token) => Append([token]);

    /// <summary>Ends the open document: the next token starts a new context.</summary>
    public abstract void EndDocument();

    /// <summary>Adds everything <paramref name="other"/> has scored to this accumulator.</summary>
    /// <param name="other">An accumulator of the same descriptor and deduplication setting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or was made with another deduplication setting or by another scheme type.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    public abstract void Merge(WatermarkAccumulator other);

    /// <summary>Returns the detection result for everything scored so far; the accumulator can keep growing.</summary>
    /// <returns>The counts, the score and the p-value.</returns>
    public abstract DetectionResult GetResult();

    /// <summary>Empties the accumulator.</summary>
    public abstract void Reset();

    /// <summary>Writes the accumulator's state, stamped with the descriptor hash and checksummed.</summary>
    /// <param name="destination">The stream to write to.</param>
    public abstract void WriteTo(Stream destination);

    /// <summary>Checks what every <see cref="Merge"/> must check first, and returns <paramref name="other"/> as the derived type.</summary>
    /// <typeparam name="T">The derived accumulator type.</typeparam>
    /// <param name="other">The accumulator to merge.</param>
    /// <returns><paramref name="other"/> as <typeparamref name="T"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, has another type or another deduplication setting.</exception>
    /// <exception cref="DescriptorMismatchException"><paramref name="other"/> scores under another descriptor.</exception>
    protected T CheckMergeable<T>(WatermarkAccumulator other)
        where T : WatermarkAccumulator
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("An accumulator cannot be merged into itself.", nameof(other));
        }

        DescriptorMismatchException.ThrowIfDifferent(Descriptor, other.Descriptor);
        if (other is not T typed)
        {
            throw new ArgumentException($"A {other.GetType().Name} cannot be merged into a {GetType().Name}.", nameof(other));
        }

        if (other.Deduplicate != Deduplicate)
        {
            throw new ArgumentException("Accumulators with and without deduplication cannot be merged.", nameof(other));
        }

        return typed;
    }

    /// <summary>
    /// Writes a state in the framing every accumulator shares: <paramref name="magic"/>, the 16 ASCII
    /// digits of the descriptor hash, the payload, then the XxHash64 (little-endian) of all that.
    /// </summary>
    private protected static void WriteState(Stream destination, byte[] magic, SchemeDescriptor descriptor, Action<BinaryWriter> writePayload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(magic);
            writer.Write(Encoding.ASCII.GetBytes(descriptor.Hash));
            writePayload(writer);
        }

        byte[] body = buffer.ToArray();
        destination.Write(body);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(body));
        destination.Write(checksum);
    }

    /// <summary>
    /// Reads a whole state written by <see cref="WriteState"/> and checks its framing: the length (at
    /// least <paramref name="minimumPayload"/> payload bytes), the checksum, the magic and the
    /// descriptor hash. The payload starts after the magic and the 16 hash digits and ends 8 bytes
    /// before the end of the returned array.
    /// </summary>
    /// <exception cref="InvalidDataException">Truncated, corrupt, or not an accumulator of this kind.</exception>
    /// <exception cref="DescriptorMismatchException">Written under another descriptor.</exception>
    private protected static byte[] ReadState(Stream source, byte[] magic, SchemeDescriptor descriptor, int minimumPayload, string kind)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        byte[] data = buffer.ToArray();
        if (data.Length < magic.Length + 16 + minimumPayload + 8)
        {
            throw new InvalidDataException("The accumulator data is truncated.");
        }

        ReadOnlySpan<byte> body = data.AsSpan(0, data.Length - 8);
        if (XxHash64.HashToUInt64(body) != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(data.Length - 8)))
        {
            throw new InvalidDataException("The accumulator data is corrupt (checksum mismatch).");
        }

        if (!body[..magic.Length].SequenceEqual(magic))
        {
            throw new InvalidDataException($"The data is not a Distill {kind} accumulator.");
        }

        string hash = Encoding.ASCII.GetString(body.Slice(magic.Length, 16));
        if (hash != descriptor.Hash)
        {
            throw new DescriptorMismatchException($"The accumulator was written under descriptor {hash}, but the scheme's descriptor is {descriptor.Hash}.");
        }

        return data;
    }

    /// <summary>A reader over the payload of a state returned by <see cref="ReadState"/>.</summary>
    private protected static BinaryReader PayloadReader(byte[] data, byte[] magic) =>
        new(new MemoryStream(data, magic.Length + 16, data.Length - 8 - magic.Length - 16), Encoding.UTF8);
}
