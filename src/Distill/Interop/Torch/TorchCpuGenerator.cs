using System;

namespace Distill.Interop;

/// <summary>
/// A port of PyTorch's CPU generator as the Hugging Face watermarking reference uses it: MT19937
/// (Matsumoto and Nishimura 1998) seeded by <c>manual_seed(s)</c> with the low 32 bits of s, and
/// <c>randperm(n)</c> by forward Fisher-Yates with <c>next32() % (n - i)</c>. For the compatibility
/// profiles only; never used by Distill's own schemes. Not thread-safe.
/// </summary>
internal sealed class TorchCpuGenerator
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _state = new uint[N];
    private int _index;

    /// <summary>Creates a generator as after <c>torch.manual_seed(seed)</c>.</summary>
    public TorchCpuGenerator(ulong seed) => Seed(seed);

    /// <summary>Reseeds as <c>manual_seed(seed)</c>: the standard MT19937 initialization from the low 32 bits.</summary>
    public void Seed(ulong seed)
    {
        unchecked
        {
            _state[0] = (uint)seed;
            for (int i = 1; i < N; i++)
            {
                uint previous = _state[i - 1];
                _state[i] = (1812433253u * (previous ^ (previous >> 30))) + (uint)i;
            }
        }

        _index = N;
    }

    /// <summary>The next 32-bit output (equal to <c>std::mt19937</c>'s).</summary>
    public uint Next32()
    {
        if (_index >= N)
        {
            Twist();
        }

        uint y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Writes <c>torch.randperm(destination.Length)</c> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The length is 0, or 2^27 or more (every vocabulary is far below; the reference switches algorithm above about 2.1e8).</exception>
    public void RandPerm(Span<int> destination)
    {
        int n = destination.Length;
        if (n == 0 || n >= 1 << 27)
        {
            throw new ArgumentException("randperm is reproduced for 1 to 2^27 - 1 elements.", nameof(destination));
        }

        for (int i = 0; i < n; i++)
        {
            destination[i] = i;
        }

        for (int i = 0; i < n - 1; i++)
        {
            int z = (int)(Next32() % (uint)(n - i));
            (destination[i], destination[i + z]) = (destination[i + z], destination[i]);
        }
    }

    /// <summary>
    /// Writes the first <c>destination.Length</c> entries of <c>randperm(n)</c>, where
    /// <c>n = identity.Length</c>, drawing only the steps that decide them: forward Fisher-Yates fixes
    /// position i at step i, so steps 0 .. G-1 give the prefix (the reference draws n - 1 steps; the
    /// prefix is the same). <paramref name="identity"/> must hold 0 .. n-1 and holds it again on return;
    /// <paramref name="targets"/> (at least G long) is scratch; <paramref name="multipliers"/> is
    /// <see cref="FastModMultipliers"/>(n, G) or empty (plain division).
    /// </summary>
    public void RandPermPrefix(Span<int> identity, Span<int> destination, Span<int> targets, ReadOnlySpan<ulong> multipliers = default)
    {
        int n = identity.Length;
        int g = destination.Length;
        if (n == 0 || n >= 1 << 27 || g > n || targets.Length < g || (!multipliers.IsEmpty && multipliers.Length < Math.Min(g, n - 1)))
        {
            throw new ArgumentException("randperm is reproduced for 1 to 2^27 - 1 elements, and the prefix fits.", nameof(destination));
        }

        // randperm(1) draws nothing; the last position of randperm(n) is never drawn either.
        int steps = Math.Min(g, n - 1);
        for (int i = 0; i < steps; i++)
        {
            int j = i + (int)(multipliers.IsEmpty ? Next32() % (uint)(n - i) : FastMod(Next32(), multipliers[i], (uint)(n - i)));
            targets[i] = j;
            (identity[i], identity[j]) = (identity[j], identity[i]);
        }

        identity[..g].CopyTo(destination);

        // Restore the identity: only positions 0 .. steps-1 and the swap targets moved.
        for (int i = 0; i < g; i++)
        {
            identity[i] = i;
        }

        for (int i = 0; i < steps; i++)
        {
            identity[targets[i]] = targets[i];
        }
    }

    /// <summary>
    /// Returns whether <paramref name="value"/> lands in the first <paramref name="prefix"/> positions of
    /// <c>randperm(n)</c>, following only that value through the first steps of forward Fisher-Yates
    /// (no array): a value is fixed where it stands at step i when it sits at position i, or is swapped
    /// into position i from position i + z.
    /// </summary>
    public bool PermutationPrefixContains(int n, int prefix, int value, ReadOnlySpan<ulong> multipliers = default)
    {
        int position = value;
        int steps = Math.Min(prefix, n - 1);
        if (!multipliers.IsEmpty && multipliers.Length < steps)
        {
            throw new ArgumentException("One multiplier per step is needed.", nameof(multipliers));
        }

        for (int i = 0; i < steps; i++)
        {
            int j = i + (int)(multipliers.IsEmpty ? Next32() % (uint)(n - i) : FastMod(Next32(), multipliers[i], (uint)(n - i)));
            if (j == position)
            {
                // Swapped into position i (or z = 0 with the value already there): fixed inside the prefix.
                return true;
            }

            if (position == i)
            {
                position = j;
            }
        }

        // randperm(1): the single value stays at position 0.
        return position < prefix && steps < prefix;
    }

    /// <summary>
    /// Lemire's multipliers for the divisors of the first <paramref name="steps"/> Fisher-Yates steps of
    /// <c>randperm(n)</c>: entry i is <c>floor((2^64 - 1) / (n - i)) + 1</c> (modulo 2^64), so that
    /// <see cref="FastMod"/> gives <c>x % (n - i)</c> exactly for every 32-bit x without a division
    /// (Lemire, Kaser and Kurz, "Faster remainder by direct computation", 2019).
    /// </summary>
    public static ulong[] FastModMultipliers(int n, int steps)
    {
        var multipliers = new ulong[Math.Max(0, Math.Min(steps, n - 1))];
        for (int i = 0; i < multipliers.Length; i++)
        {
            multipliers[i] = unchecked((ulong.MaxValue / (ulong)(n - i)) + 1);
        }

        return multipliers;
    }

    /// <summary><c>x % d</c> for 32-bit x and d, with <paramref name="multiplier"/> from <see cref="FastModMultipliers"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static uint FastMod(uint x, ulong multiplier, uint d) => (uint)Math.BigMul(unchecked(multiplier * x), d, out _);

    private void Twist()
    {
        // The standard MT19937 state transition, split so that no index needs a modulo.
        unchecked
        {
            uint[] mt = _state;
            int i = 0;
            for (; i < N - M; i++)
            {
                uint y = (mt[i] & 0x80000000u) | (mt[i + 1] & 0x7FFFFFFFu);
                mt[i] = mt[i + M] ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908B0DFu);
            }

            for (; i < N - 1; i++)
            {
                uint y = (mt[i] & 0x80000000u) | (mt[i + 1] & 0x7FFFFFFFu);
                mt[i] = mt[i + M - N] ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908B0DFu);
            }

            uint last = (mt[N - 1] & 0x80000000u) | (mt[0] & 0x7FFFFFFFu);
            mt[N - 1] = mt[M - 1] ^ (last >> 1) ^ ((0u - (last & 1u)) & 0x9908B0DFu);
        }

        _index = 0;
    }
}
