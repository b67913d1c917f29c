using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Distill.GreenList;

namespace Distill.Interop;

/// <summary>
/// The per-request state of an <see cref="HfKgwScheme"/>: the reference processor's step on the whole
/// input (prompt included). LeftHash adds the bias to the cached green list of <c>key * last_token</c>
/// in one vectorized pass; SelfHash tests the 40 highest-scoring candidates (ties: the lower id first),
/// each against its own seed: one read when the seed's list is cached, else by following the candidate
/// through the first G Fisher-Yates steps (allocation-free; drawing and caching whole lists instead,
/// <see cref="SelfHashUsesCache"/>, measured faster when seeds recur but allocates each new list).
/// </summary>
[SkipLocalsInit]
internal sealed class HfKgwSession : WatermarkSession
{
    private readonly HfKgwScheme _scheme;
    private readonly int[] _window;
    private readonly int[] _candidateIds;
    private readonly float[] _candidateLogits;
    private readonly bool[] _candidateGreen;
    private readonly TorchCpuGenerator? _generator;
    private readonly ulong[] _drawn;
    private HfKgwGreenLists.Scratch? _scratch;
    private long _position;
    private int _last;

    public HfKgwSession(HfKgwScheme scheme)
    {
        _scheme = scheme;
        bool selfHash = scheme.IsSelfHash;
        _window = new int[scheme.Width];
        _candidateIds = selfHash ? new int[HfKgwOptions.SelfHashCandidates] : [];
        _candidateLogits = selfHash ? new float[HfKgwOptions.SelfHashCandidates] : [];
        _candidateGreen = selfHash ? new bool[HfKgwOptions.SelfHashCandidates] : [];
        _generator = selfHash ? new TorchCpuGenerator(0) : null;
        _drawn = selfHash ? [] : new ulong[scheme.GreenLists.Words];
    }

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _position;

    /// <summary>Gets or sets whether SelfHash reads candidates' green lists from the scheme's cache instead of following each candidate (benchmarks).</summary>
    internal bool SelfHashUsesCache { get; set; }

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        if (_position < _scheme.Width)
        {
            // The reference returns the scores unchanged while input_ids is shorter than the width.
            return;
        }

        if (!_scheme.IsSelfHash)
        {
            // A cached list costs one read; while the cache fills, a new list joins it; once it is full,
            // a missing list is drawn into the session's own bitset, so steady state allocates nothing.
            ulong seed = HfKgwSeeding.LeftHashGeneratorSeed(_scheme.HashingKey, _last);
            HfKgwGreenLists lists = _scheme.GreenLists;
            if (!lists.TryGet(seed, out ulong[] bits))
            {
                if (lists.Count < lists.Capacity)
                {
                    bits = lists.Get(seed);
                }
                else
                {
                    lists.Draw(seed, _drawn, _scratch ??= lists.CreateScratch());
                    bits = _drawn;
                }
            }

            AddBias(logits, bits, _scheme.BiasSingle);
            return;
        }

        // The reference sorts the scores it was given; the bias goes on only after every test.
        int count = KgwSession.SelectTopCandidates(logits, _candidateIds, _candidateLogits);
        int n = _scheme.VocabularySize, g = _scheme.GreenListSize;
        for (int i = 0; i < count; i++)
        {
            int candidate = _candidateIds[i];
            _window[^1] = candidate;
            ulong seed = _scheme.Seeding.SelfHashGeneratorSeed(_window);
            if (SelfHashUsesCache)
            {
                _candidateGreen[i] = _scheme.GreenLists.IsGreen(seed, candidate);
            }
            else if (_scheme.GreenLists.TryGet(seed, out ulong[] bits))
            {
                // A list already cached (by detection, or by a session that draws whole lists) costs one read.
                _candidateGreen[i] = (bits[candidate >> 6] & (1UL << candidate)) != 0;
            }
            else
            {
                _generator!.Seed(seed);
                _candidateGreen[i] = _generator.PermutationPrefixContains(n, g, candidate, _scheme.GreenLists.Multipliers);
            }
        }

        float bias = _scheme.BiasSingle;
        for (int i = 0; i < count; i++)
        {
            if (_candidateGreen[i])
            {
                logits[_candidateIds[i]] += bias;
            }
        }
    }

    private protected override void AcceptCore(int token)
    {
        Push(token);
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _position = 0;
        foreach (int token in prompt)
        {
            Push(token);
        }
    }

    /// <summary>Adds <paramref name="bias"/> in float32 to every logit whose bit is set; the others keep their bits.</summary>
    internal static void AddBias(Span<float> logits, ReadOnlySpan<ulong> bits, float bias)
    {
        int i = 0;
        ref float start = ref MemoryMarshal.GetReference(logits);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<int> lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            Vector256<float> b = Vector256.Create(bias);
            int last = logits.Length - 8;
            for (; i <= last; i += 8)
            {
                int byteBits = (int)((bits[i >> 6] >> (i & 63)) & 0xFF);
                if (byteBits == 0)
                {
                    continue;
                }

                Vector256<float> mask = Vector256.Equals(Vector256.Create(byteBits) & lanes, lanes).AsSingle();
                Vector256<float> x = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256.ConditionalSelect(mask, x + b, x).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < logits.Length; i++)
        {
            if ((bits[i >> 6] & (1UL << i)) != 0)
            {
                logits[i] += bias;
            }
        }
    }

    private void Push(int token)
    {
        _last = token;
        _position++;

        // SelfHash keeps the last width - 1 tokens in _window[..^1]; the last slot is the candidate's.
        if (_window.Length > 1)
        {
            _window.AsSpan(1, _window.Length - 2).CopyTo(_window);
            _window[^2] = token;
        }
    }
}
