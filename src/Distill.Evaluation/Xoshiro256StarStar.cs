using System.Numerics;

namespace Distill.Evaluation;

/// <summary>
/// The xoshiro256** 1.0 pseudo-random generator (Blackman and Vigna, "Scrambled Linear Pseudorandom
/// Number Generators", 2018; https://prng.di.unimi.it/xoshiro256starstar.c), seeded by running
/// SplitMix64 from the 64-bit seed, as its authors recommend.
/// </summary>
/// <remarks>
/// Bit-exact on every platform and runtime version, unlike <see cref="System.Random"/>, so that
/// experiments are reproducible from their seeds. Not cryptographic. A mutable struct: keep it in
/// a field or local and never copy it by accident.
/// </remarks>
internal struct Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Xoshiro256StarStar(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>Creates a generator from a raw 256-bit state (not all zero), for known-answer tests.</summary>
    internal static Xoshiro256StarStar FromState(ulong s0, ulong s1, ulong s2, ulong s3) => new()
    {
        _s0 = s0,
        _s1 = s1,
        _s2 = s2,
        _s3 = s3,
    };

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014): advances the state and returns the next output.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Returns the next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Returns a double uniformly distributed in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
