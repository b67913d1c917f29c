using System;
using System.Collections.Generic;
using System.IO;
using Distill.Detection;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>
/// A scheme that exists only in the tests, added through the scheme registry alone: one keyed green
/// list (a share gamma of the vocabulary) whose logits get a constant bias delta at every step, and
/// the exact binomial test over the distinct tokens of a text.
/// </summary>
internal sealed class ConstantBiasScheme : WatermarkScheme
{
    /// <summary>The scheme's name: no release scheme has it.</summary>
    public const string SchemeName = "test-constant-bias";

    /// <summary>The scheme version.</summary>
    public const int Version = 1;

    private readonly ulong _seed;
    private readonly ulong _threshold;

    private ConstantBiasScheme(WatermarkKey key, ConstantBiasOptions options, SchemeDescriptor descriptor)
    {
        Span<byte> secret = stackalloc byte[WatermarkKey.SizeInBytes];
        key.Derive("test/constant-bias/v1").CopySecretTo(secret);
        _seed = BitConverter.ToUInt64(secret);
        _threshold = (ulong)(options.Gamma * 18446744073709551616.0);
        Options = options;
        Descriptor = descriptor;
    }

    /// <summary>Gets the parameters.</summary>
    public ConstantBiasOptions Options { get; }

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Creates the scheme.</summary>
    public static ConstantBiasScheme Create(WatermarkKey key, ConstantBiasOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        options ??= ConstantBiasOptions.Default;
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = 1,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            Parameters = options.ToParameters(),
        };
        return new ConstantBiasScheme(key, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes (the registration's factory).</summary>
    internal static ConstantBiasScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key)
    {
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, 1, descriptor?.Parameters, key);
        return Create(key, ConstantBiasOptions.FromParameters(descriptor!.Parameters!), descriptor.VocabularySize, descriptor.Tokenizer);
    }

    /// <summary>Returns whether a token is green under the key.</summary>
    public bool IsGreen(int token)
    {
        // SplitMix64's finalizer of (seed, token): uniform 64-bit values, green below gamma 2^64.
        ulong z = unchecked(_seed + (0x9E3779B97F4A7C15UL * (ulong)(uint)token));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (z ^ (z >> 31)) < _threshold;
    }

    /// <inheritdoc />
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt)
    {
        var session = new ConstantBiasSession(this);
        session.Reset(prompt);
        return session;
    }

    /// <inheritdoc />
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options)
    {
        var accumulator = new ConstantBiasAccumulator(this, options);
        accumulator.Append(tokens);
        return accumulator.GetResult();
    }

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => new ConstantBiasAccumulator(this, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => ConstantBiasAccumulator.ReadFrom(source, this, options);

    /// <inheritdoc />
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options) =>
        BinomialLocalizer.Localize(Kinds(tokens, options.Deduplicate), Options.Gamma, options);

    /// <inheritdoc />
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options) =>
        TokenEvidence.FromKinds(DetectCore(tokens, options), Kinds(tokens, options.Deduplicate));

    private TokenScore[] Kinds(ReadOnlySpan<int> tokens, bool deduplicate)
    {
        var seen = new HashSet<int>();
        var scores = new TokenScore[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            scores[i] = deduplicate && !seen.Add(tokens[i]) ? TokenScore.Repeated : IsGreen(tokens[i]) ? TokenScore.Green : TokenScore.Red;
        }

        return scores;
    }
}
