using System;
using System.Collections.Generic;

namespace Distill.Interop;

/// <summary>
/// The set of context tuples already seen, compared value by value (exact, unlike a hash of them),
/// as the reference detectors deduplicate. Probing with a span allocates nothing; only a new tuple
/// is copied.
/// </summary>
internal sealed class ContextTupleSet
{
    private readonly HashSet<long[]>.AlternateLookup<ReadOnlySpan<long>> _lookup = new HashSet<long[]>(Comparer.Instance).GetAlternateLookup<ReadOnlySpan<long>>();

    /// <summary>Adds the tuple; false when it was already there.</summary>
    public bool Add(ReadOnlySpan<long> tuple) => _lookup.Add(tuple);

    private sealed class Comparer : IEqualityComparer<long[]>, IAlternateEqualityComparer<ReadOnlySpan<long>, long[]>
    {
        public static Comparer Instance { get; } = new();

        public bool Equals(long[]? x, long[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(long[] obj) => GetHashCode((ReadOnlySpan<long>)obj);

        public bool Equals(ReadOnlySpan<long> alternate, long[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<long> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(alternate));
            return hash.ToHashCode();
        }

        public long[] Create(ReadOnlySpan<long> alternate) => alternate.ToArray();
    }
}
