using System;
using System.Numerics;

namespace Distill.Interop;

/// <summary>
/// The seeding and green lists of Hugging Face transformers' <c>WatermarkLogitsProcessor</c> (the KGW
/// reference, CPU generator), reproduced exactly: LeftHash seeds are the exact product of the key and
/// the last token; SelfHash seeds are a signed 64-bit minimum over products with a fixed table, with
/// wraparound; the generator is seeded with the floor modulo of the seed by 2^64 - 1; the green list
/// is the first <c>(int)(V * gamma)</c> entries of <c>randperm(V)</c>. For the compatibility
/// profiles only.
/// </summary>
internal sealed class HfKgwSeeding
{
    /// <summary>The size of SelfHash's fixed table: <c>randperm(1_000_003)</c> after seeding with the key.</summary>
    public const int TableSize = 1_000_003;

    private const ulong Modulus = ulong.MaxValue; // 2^64 - 1

    private readonly int[]? _table;

    public HfKgwSeeding(ulong hashingKey, bool selfHash)
    {
        HashingKey = hashingKey;
        if (selfHash)
        {
            _table = new int[TableSize];
            new TorchCpuGenerator(hashingKey).RandPerm(_table);
        }
    }

    public ulong HashingKey { get; }

    /// <summary>Gets SelfHash's fixed table (null for LeftHash).</summary>
    public ReadOnlySpan<int> Table => _table;

    /// <summary>The seed before the modulo for LeftHash: key times the last token, as a Python integer.</summary>
    public BigInteger LeftHashRawSeed(int lastToken) => (BigInteger)HashingKey * lastToken;

    /// <summary>
    /// The seed before the modulo for SelfHash over <paramref name="window"/>, whose last token is the
    /// candidate: min over i of key * (table[t_i] + 1) * (table[candidate] + 1), in signed 64-bit arithmetic.
    /// </summary>
    public long SelfHashRawSeed(ReadOnlySpan<int> window)
    {
        if (_table is null)
        {
            throw new InvalidOperationException("This seeding was created for LeftHash.");
        }

        unchecked
        {
            long key = (long)HashingKey;
            long b = _table[window[^1] % TableSize] + 1L;
            long minimum = long.MaxValue;
            foreach (int t in window)
            {
                long a = _table[t % TableSize] + 1L;
                minimum = Math.Min(minimum, key * a * b);
            }

            return minimum;
        }
    }

    /// <summary>The value given to <c>manual_seed</c>: the floor modulo of the raw seed by 2^64 - 1.</summary>
    public static ulong GeneratorSeed(BigInteger raw)
    {
        BigInteger r = BigInteger.Remainder(raw, Modulus);
        return (ulong)(r.Sign < 0 ? r + Modulus : r);
    }

    /// <summary>Writes the green list, in permutation order, into <paramref name="destination"/> (length <c>(int)(V * gamma)</c>).</summary>
    public static void GreenList(ulong generatorSeed, int vocabularySize, Span<int> permutationBuffer, Span<int> destination)
    {
        if (permutationBuffer.Length != vocabularySize)
        {
            throw new ArgumentException("The buffer must hold the vocabulary.", nameof(permutationBuffer));
        }

        new TorchCpuGenerator(generatorSeed).RandPerm(permutationBuffer);
        permutationBuffer[..destination.Length].CopyTo(destination);
    }

    /// <summary>The green list size of the reference: <c>int(V * gamma)</c>.</summary>
    public static int GreenListSize(int vocabularySize, double gamma) => (int)(vocabularySize * gamma);
}
