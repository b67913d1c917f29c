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

    private void Twist()
    {
        unchecked
        {
            for (int i = 0; i < N; i++)
            {
                uint y = (_state[i] & 0x80000000u) | (_state[(i + 1) % N] & 0x7FFFFFFFu);
                uint next = _state[(i + M) % N] ^ (y >> 1);
                _state[i] = (y & 1u) != 0 ? next ^ 0x9908B0DFu : next;
            }
        }

        _index = 0;
    }
}
