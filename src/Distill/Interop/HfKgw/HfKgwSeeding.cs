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

    /// <summary>Creates the seeding of a hashing key.</summary>
    /// <param name="hashingKey">The reference's hashing key.</param>
    /// <param name="selfHash">Whether to draw SelfHash's fixed table.</param>
    /// <param name="tableLength">
    /// How much of the table to draw: the first entries of <c>randperm(1_000_003)</c> (forward
    /// Fisher-Yates fixes position i at step i, so a prefix is exact). Token ids below it index the
    /// table directly; a vocabulary of V ids needs min(V, 1_000_003).
    /// </param>
    public HfKgwSeeding(ulong hashingKey, bool selfHash, int tableLength = TableSize)
    {
        HashingKey = hashingKey;
        if (selfHash)
        {
            _table = new int[Math.Clamp(tableLength, 1, TableSize)];
            var generator = new TorchCpuGenerator(hashingKey);
            if (_table.Length == TableSize)
            {
                generator.RandPerm(_table);
            }
            else
            {
                DrawTablePrefix(generator, _table);
            }
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

    /// <summary>
    /// SelfHash's generator seed over <paramref name="window"/> (ids below the drawn table's length):
    /// <see cref="GeneratorSeed(BigInteger)"/> of <see cref="SelfHashRawSeed"/> without big integers.
    /// </summary>
    public ulong SelfHashGeneratorSeed(ReadOnlySpan<int> window)
    {
        int[] table = _table!;
        unchecked
        {
            long key = (long)HashingKey;
            long b = table[Index(window[^1])] + 1L;
            long kb = key * b;
            long minimum = long.MaxValue;
            foreach (int t in window)
            {
                minimum = Math.Min(minimum, kb * (table[Index(t)] + 1L));
            }

            return SignedGeneratorSeed(minimum);
        }
    }

    private static int Index(int token) => token >= TableSize ? token % TableSize : token;

    /// <summary>The floor modulo by 2^64 - 1 of a signed 64-bit raw seed: itself when non-negative, else its two's complement minus one.</summary>
    public static ulong SignedGeneratorSeed(long raw) => unchecked(raw >= 0 ? (ulong)raw : (ulong)raw - 1UL);

    /// <summary>LeftHash's generator seed: the exact product key * token modulo 2^64 - 1 (2^64 is 1 modulo 2^64 - 1), without big integers.</summary>
    public static ulong LeftHashGeneratorSeed(ulong hashingKey, int lastToken)
    {
        unchecked
        {
            UInt128 product = (UInt128)hashingKey * (uint)lastToken;
            ulong lo = (ulong)product, hi = (ulong)(product >> 64);
            ulong sum = lo + hi;
            if (sum < lo)
            {
                sum++;
            }

            return sum == Modulus ? 0UL : sum;
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

    // The first entries of randperm(TableSize), keeping only the displaced entries beyond the prefix.
    private static void DrawTablePrefix(TorchCpuGenerator generator, int[] prefix)
    {
        var displaced = new System.Collections.Generic.Dictionary<int, int>();
        for (int i = 0; i < prefix.Length; i++)
        {
            int j = i + (int)(generator.Next32() % (uint)(TableSize - i));
            int atI = displaced.Remove(i, out int v) ? v : i;
            if (j == i)
            {
                prefix[i] = atI;
                continue;
            }

            prefix[i] = displaced.TryGetValue(j, out int w) ? w : j;
            displaced[j] = atI;
        }
    }

    /// <summary>The green list size of the reference: <c>int(V * gamma)</c>.</summary>
    public static int GreenListSize(int vocabularySize, double gamma) => (int)(vocabularySize * gamma);
}
