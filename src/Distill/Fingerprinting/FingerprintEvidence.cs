using System;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;

namespace Distill.Fingerprinting;

/// <summary>
/// What one pass over the tokens of one or more documents tells about the fingerprint: per codeword
/// position, how many green tokens of each colour it holds, and the zero-bit counts. The input of
/// <see cref="FingerprintScheme.TraceEvidence"/> and
/// <see cref="FingerprintScheme.TracePooled"/>.
/// </summary>
/// <remarks>
/// With deduplication (the default) a (context, token) pair is counted once in the whole corpus, so
/// that repeated text cannot multiply evidence. Not thread-safe.
/// </remarks>
public sealed class FingerprintEvidence
{
    private readonly FingerprintScheme _scheme;
    private readonly DetectionOptions _options;
    private readonly int[] _counts;
    private readonly SeedTokenSet? _seen;
    private GreenListCounts _zeroBit;

    internal FingerprintEvidence(FingerprintScheme scheme, DetectionOptions options, int expectedTokens = 256)
    {
        _scheme = scheme;
        _options = options;
        _counts = new int[2 * scheme.Options.Positions];
        _seen = options.Deduplicate ? new SeedTokenSet(Math.Max(256, expectedTokens)) : null;
    }

    /// <summary>Gets the number of tokens added.</summary>
    public long Tokens => _zeroBit.Tokens;

    /// <summary>Gets the number of tokens scored (after the context prefix and deduplication).</summary>
    public long Scored => _zeroBit.Scored;

    /// <summary>Gets the number of scored tokens that are green (each carries one codeword bit).</summary>
    public long Green => _zeroBit.Green;

    /// <summary>Gets the number of documents added.</summary>
    public int Documents { get; private set; }

    /// <summary>Gets the codeword length.</summary>
    public int Positions => _scheme.Options.Positions;

    /// <summary>Gets the zero-bit KGW result of everything added: what the master key alone says, whoever the tenant.</summary>
    public DetectionResult ZeroBit =>
        new(_scheme.ZeroBit.Descriptor, _zeroBit, _scheme.ZeroBit.EffectiveGamma, _options.Deduplicate, _options.MinimumScoredTokens);

    internal ReadOnlySpan<int> RawCounts => _counts;

    internal bool IsFrom(FingerprintScheme scheme) => ReferenceEquals(scheme, _scheme) || scheme.Descriptor.Hash == _scheme.Descriptor.Hash;

    /// <summary>Gets the number of green tokens of one colour at one codeword position.</summary>
    /// <param name="position">The position, below <see cref="Positions"/>.</param>
    /// <param name="colour">0 or 1.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    internal int Count(int position, int colour)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Positions);
        ArgumentOutOfRangeException.ThrowIfNegative(colour);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(colour, 1);
        return _counts[(2 * position) + colour];
    }

    /// <summary>Adds one document (its context starts afresh).</summary>
    /// <param name="tokens">The document's token ids.</param>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary; nothing is added.</exception>
    public void Add(ReadOnlySpan<int> tokens)
    {
        KgwScheme zeroBit = _scheme.ZeroBit;
        LogitsGuard.ValidateTokens(tokens, zeroBit.VocabularySize, nameof(tokens));
        TenantCode code = _scheme.Code;
        int prefix = zeroBit.PrefixLength, width = Math.Max(prefix, 1);
        uint threshold = zeroBit.Threshold, split = _scheme.ColourSplit;
        ref readonly PrfV1 prf = ref zeroBit.Prf;
        _seen?.Reserve(tokens.Length);
        var window = default(HashWindow);
        long skippedPrefix = 0, repeated = 0, scored = 0, green = 0;
        foreach (int token in tokens)
        {
            if (window.IsFull(prefix))
            {
                ulong seed = zeroBit.Seed(ref window, 0);
                uint value = PrfV1.GreenValue(seed, token);
                bool isGreen = value < threshold;
                if (_seen is null || _seen.TryAdd(seed, token, isGreen))
                {
                    scored++;
                    if (isGreen)
                    {
                        green++;
                        _counts[(2 * code.Position(seed)) + (value >= split ? 1 : 0)]++;
                    }
                }
                else
                {
                    repeated++;
                }
            }
            else
            {
                skippedPrefix++;
            }

            window.Push(prf.TokenHash(token), width);
        }

        _zeroBit.Tokens += tokens.Length;
        _zeroBit.SkippedPrefix += skippedPrefix;
        _zeroBit.SkippedRepeated += repeated;
        _zeroBit.Scored += scored;
        _zeroBit.Green += green;
        Documents++;
    }
}
