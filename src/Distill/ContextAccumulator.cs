using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;
using Distill.Detection;

namespace Distill;

/// <summary>
/// What every scheme's accumulator shares: the descriptor, the deduplication setting and the minimum
/// scored count it was made with, the additive counts (<typeparamref name="TCounts"/>), emptying, and the
/// state framing (magic, descriptor hash, payload, checksum).
/// </summary>
/// <typeparam name="TCounts">The scheme's counts: a struct the scoring code updates by reference.</typeparam>
/// <remarks>
/// A derived accumulator adds only its scheme's scoring state (the open document's context, the set of
/// scored pairs or the sums), <see cref="WatermarkAccumulator.AppendCore(ReadOnlySpan{int})"/>,
/// <see cref="WatermarkAccumulator.MergeCore"/>, <see cref="WatermarkAccumulator.GetResult"/>, its
/// payload and its reader. Arguments are already checked by <see cref="WatermarkAccumulator"/>.
/// </remarks>
internal abstract class ContextAccumulator<TCounts> : WatermarkAccumulator
    where TCounts : struct, IAccumulatorCounts
{
    /// <summary>The counts so far; scoring code adds to them by reference.</summary>
    protected TCounts Counts;

    /// <summary>Initializes the shared state.</summary>
    /// <param name="descriptor">The descriptor of the scheme the tokens are scored under.</param>
    /// <param name="options">The deduplication setting and the minimum scored count of the results.</param>
    protected ContextAccumulator(SchemeDescriptor descriptor, DetectionOptions options)
    {
        Descriptor = descriptor;
        Deduplicate = options.Deduplicate;
        MinimumScoredTokens = options.MinimumScoredTokens;
    }

    /// <inheritdoc />
    public sealed override SchemeDescriptor Descriptor { get; }

    /// <inheritdoc />
    public sealed override bool Deduplicate { get; }

    /// <inheritdoc />
    public override long TokenCount => Counts.Tokens;

    /// <inheritdoc />
    public override long ScoredTokens => Counts.Scored;

    /// <summary>Gets the minimum number of scored tokens below which a result reports no p-value.</summary>
    protected int MinimumScoredTokens { get; }

    /// <summary>Gets the magic that opens this accumulator's state.</summary>
    protected abstract byte[] StateMagic { get; }

    /// <inheritdoc />
    public sealed override void Reset()
    {
        Counts = default;
        ClearScoringState();
    }

    /// <summary>Clears everything but the counts: the open document's context, the scored pairs, the sums.</summary>
    protected abstract void ClearScoringState();

    /// <summary>Writes the state's payload (everything between the descriptor hash and the checksum).</summary>
    /// <param name="writer">The writer of the state.</param>
    protected abstract void WritePayload(BinaryWriter writer);

    /// <summary>
    /// Writes the state in the framing every accumulator shares: <see cref="StateMagic"/>, the 16 ASCII
    /// digits of the descriptor hash, the payload, then the XxHash64 (little-endian) of all that.
    /// </summary>
    /// <param name="destination">The stream to write to.</param>
    private protected sealed override void WriteToCore(Stream destination)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(StateMagic);
            writer.Write(Encoding.ASCII.GetBytes(Descriptor.Hash));
            WritePayload(writer);
        }

        byte[] body = buffer.ToArray();
        destination.Write(body);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(body));
        destination.Write(checksum);
    }

    /// <summary>
    /// Reads a whole state written by <see cref="WriteToCore"/> and checks its framing: the length (at
    /// least <paramref name="minimumPayload"/> payload bytes), the checksum, the magic and the
    /// descriptor hash. The payload starts after the magic and the 16 hash digits and ends 8 bytes
    /// before the end of the returned array.
    /// </summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="magic">The magic the state must open with.</param>
    /// <param name="descriptor">The descriptor the state must be stamped with.</param>
    /// <param name="minimumPayload">The fewest payload bytes a state of this kind has.</param>
    /// <param name="kind">The accumulator's kind, for the error message.</param>
    /// <returns>The whole state.</returns>
    /// <exception cref="InvalidDataException">Truncated, corrupt, or not an accumulator of this kind.</exception>
    /// <exception cref="DescriptorMismatchException">Written under another descriptor.</exception>
    protected static byte[] ReadState(Stream source, byte[] magic, SchemeDescriptor descriptor, int minimumPayload, string kind)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        byte[] data = buffer.ToArray();
        if (data.Length < magic.Length + 16 + minimumPayload + 8)
        {
            throw Truncated();
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

    /// <summary>
    /// Reads a state with <see cref="ReadState"/>, then its payload with <paramref name="readPayload"/>;
    /// a payload that ends early is reported as truncated.
    /// </summary>
    /// <typeparam name="TAccumulator">The accumulator type.</typeparam>
    /// <param name="source">The stream to read from.</param>
    /// <param name="magic">The magic the state must open with.</param>
    /// <param name="descriptor">The descriptor the state must be stamped with.</param>
    /// <param name="minimumPayload">The fewest payload bytes a state of this kind has.</param>
    /// <param name="kind">The accumulator's kind, for the error message.</param>
    /// <param name="readPayload">Reads the payload and builds the accumulator; throws <see cref="InvalidDataException"/> for inconsistent data.</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="InvalidDataException">Truncated, corrupt, inconsistent, or not an accumulator of this kind.</exception>
    /// <exception cref="DescriptorMismatchException">Written under another descriptor.</exception>
    protected static TAccumulator ReadState<TAccumulator>(Stream source, byte[] magic, SchemeDescriptor descriptor, int minimumPayload, string kind, Func<BinaryReader, TAccumulator> readPayload)
    {
        byte[] data = ReadState(source, magic, descriptor, minimumPayload, kind);
        using var reader = new BinaryReader(new MemoryStream(data, magic.Length + 16, data.Length - 8 - magic.Length - 16), Encoding.UTF8);
        try
        {
            return readPayload(reader);
        }
        catch (EndOfStreamException)
        {
            throw Truncated();
        }
    }

    /// <summary>
    /// Reads the number of stored entries (scored pairs) and checks it against the rest of the payload:
    /// one entry per scored token with deduplication, none without, each <paramref name="entryBytes"/> long,
    /// filling the payload to its end.
    /// </summary>
    /// <param name="reader">The payload reader, positioned at the count.</param>
    /// <param name="deduplicate">Whether the state was written with deduplication.</param>
    /// <param name="scored">The scored count the state stores.</param>
    /// <param name="entryBytes">The length of one entry.</param>
    /// <returns>The number of entries.</returns>
    /// <exception cref="InvalidDataException">The count is inconsistent.</exception>
    protected static int ReadEntryCount(BinaryReader reader, bool deduplicate, long scored, int entryBytes)
    {
        int count = reader.ReadInt32();
        if (count < 0 || (deduplicate ? count != scored : count != 0) || (long)count * entryBytes != reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw Inconsistent();
        }

        return count;
    }

    /// <summary>The error for a state that no scoring produces.</summary>
    /// <returns>The exception to throw.</returns>
    protected static InvalidDataException Inconsistent() => new("The accumulator data is inconsistent.");

    /// <summary>The error for a state that ends early.</summary>
    /// <returns>The exception to throw.</returns>
    protected static InvalidDataException Truncated() => new("The accumulator data is truncated.");
}
