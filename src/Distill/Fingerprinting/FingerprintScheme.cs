using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using Distill.Detection;
using Distill.GreenList;
using Distill.Prf;
using Distill.Reference;

namespace Distill.Fingerprinting;

/// <summary>
/// Per-tenant fingerprints from one master key, version 1: a KGW LeftHash zero-bit watermark whose
/// green list is split in two colours, with each tenant boosting, at each step, the colour that its
/// codeword holds at the position the context names.
/// </summary>
/// <remarks>
/// <para>
/// <b>Zero-bit.</b> Every boosted token is green under <see cref="ZeroBit"/>, a plain
/// <see cref="KgwScheme"/> with the same key and options, so the master key alone detects every
/// tenant's text (<see cref="WatermarkScheme.Detect"/>, the accumulators and <see cref="WatermarkScheme.Localize"/> are that
/// scheme's), and a <c>kgw</c> profile with the same key and options detects it too.
/// </para>
/// <para>
/// <b>Codeword.</b> A keyed PRF of the context's seed names a codeword position (an identity
/// position with probability <see cref="FingerprintOptions.IdentityShare"/>, else a Tardos one).
/// The 64 identity bits are the tenant's number under a keyed 64-bit permutation, so one pass over
/// the tokens reads the identity word and its inverse names the tenant, in time independent of the
/// number of tenants (the position allocation idea of MPAC, Yoo et al., NAACL 2024). The Tardos bits
/// (Tardos 2003, with Skoric et al.'s symmetric score) trace colluders in pooled corpora.
/// </para>
/// <para>
/// <b>p-values.</b> Given the evidence (the colour counts per position), an innocent tenant's
/// codeword is independent of the text, whether the text is human or another tenant's, so its score
/// has an exactly computable distribution: a tenant is named only when its p-value, multiplied by the
/// number of tenants that could have been named, is at most alpha. A wrong decode is therefore
/// reported as no confident tenant. Instances are immutable and thread-safe; sessions and evidence are not.
/// </para>
/// </remarks>
public sealed class FingerprintScheme : WatermarkScheme
{
    /// <summary>The scheme's name in descriptors.</summary>
    public const string SchemeName = "kgw-fingerprint";

    /// <summary>The scheme version this type implements.</summary>
    public const int Version = 1;

    private readonly ConditionalWeakTable<TenantRegistry, RegistryIndex> _indexes = [];

    private FingerprintScheme(TenantCode code, KgwScheme zeroBit, FingerprintOptions options, SchemeDescriptor descriptor)
    {
        ZeroBit = zeroBit;
        Options = options;
        Descriptor = descriptor;
        Code = code;
        ColourSplit = zeroBit.Threshold >> 1;
    }

    /// <summary>Gets the default zero-bit layer: LeftHash over 2 tokens, gamma 0.5 (each colour a quarter of the vocabulary), delta 3.</summary>
    public static KgwOptions DefaultZeroBit { get; } = new() { Seeding = KgwSeeding.LeftHash, ContextWidth = 2, Gamma = 0.5, Delta = 3.0 };

    /// <inheritdoc />
    public override SchemeDescriptor Descriptor { get; }

    /// <summary>Gets the zero-bit watermark that every tenant's text carries (detectable with the master key alone).</summary>
    public KgwScheme ZeroBit { get; }

    /// <summary>Gets the fingerprint's parameters.</summary>
    public FingerprintOptions Options { get; }

    internal TenantCode Code { get; }

    /// <summary>The identity words of a registry's tenants and their membership filter (computed once per registry).</summary>
    internal RegistryIndex Index(TenantRegistry registry) => _indexes.GetValue(registry, r => new RegistryIndex(Code, r));

    /// <summary>Green values below this are colour 0, the others (still green) colour 1.</summary>
    internal uint ColourSplit { get; }

    /// <summary>Creates a fingerprint scheme.</summary>
    /// <param name="key">The master key.</param>
    /// <param name="zeroBit">The zero-bit layer's options (LeftHash only); <see cref="DefaultZeroBit"/> when <see langword="null"/>.</param>
    /// <param name="options">The fingerprint's options; <see cref="FingerprintOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="vocabularySize">The vocabulary size, at least 2.</param>
    /// <param name="tokenizer">The tokenizer's identity, recorded in the descriptor, or <see langword="null"/>.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The zero-bit layer uses SelfHash (its seed depends on the candidate token, so a context could not name one position).</exception>
    public static FingerprintScheme Create(WatermarkKey key, KgwOptions? zeroBit, FingerprintOptions? options, int vocabularySize, string? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        zeroBit ??= DefaultZeroBit;
        options ??= FingerprintOptions.Default;
        if (zeroBit.Seeding != KgwSeeding.LeftHash)
        {
            throw new ArgumentException("Fingerprints need LeftHash seeding: with SelfHash the seed depends on the candidate token, so a context names no single codeword position.", nameof(zeroBit));
        }

        KgwScheme inner = KgwScheme.Create(key, zeroBit, vocabularySize, tokenizer);
        var descriptor = new SchemeDescriptor
        {
            Scheme = SchemeName,
            SchemeVersion = Version,
            PrfVersion = PrfV1.Version,
            VocabularySize = vocabularySize,
            Tokenizer = tokenizer,
            KeyId = key.KeyId,
            Kgw = zeroBit,
            Fingerprint = options,
        };
        return new FingerprintScheme(new TenantCode(key, options), inner, options, descriptor);
    }

    /// <summary>Creates the scheme a descriptor describes.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>kgw-fingerprint</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is for another scheme or names another key.</exception>
    /// <exception cref="NotSupportedException">The descriptor's version is not this release's.</exception>
    internal static FingerprintScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key) => FromDescriptor(descriptor, key, null);

    /// <summary>Creates the scheme a descriptor describes, with the reference corpora its filter names.</summary>
    /// <param name="descriptor">A descriptor whose scheme is <c>kgw-fingerprint</c>.</param>
    /// <param name="key">The key the descriptor names.</param>
    /// <param name="references">
    /// The corpora of the descriptor's <see cref="SchemeDescriptor.Reference"/>, in order; ignored without one.
    /// Without them the scheme embeds and traces, but zero-bit detection throws <see cref="InvalidOperationException"/>.
    /// </param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The descriptor is for another scheme, names another key or other corpora.</exception>
    /// <exception cref="NotSupportedException">The descriptor's version is not this release's.</exception>
    internal static FingerprintScheme FromDescriptor(SchemeDescriptor descriptor, WatermarkKey key, IReadOnlyList<ReferenceCorpus>? references)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        SchemeDescriptor.CheckFor(descriptor, SchemeName, Version, PrfV1.Version, descriptor.Kgw is null ? null : descriptor.Fingerprint, key);
        FingerprintScheme scheme = Create(key, descriptor.Kgw, descriptor.Fingerprint, descriptor.VocabularySize, descriptor.Tokenizer);
        if (descriptor.Reference is not { } filter)
        {
            return scheme;
        }

        KgwScheme zeroBit = KgwScheme.FromDescriptor(scheme.ZeroBit.Descriptor with { Reference = filter }, key, references);
        return new FingerprintScheme(scheme.Code, zeroBit, scheme.Options, scheme.Descriptor with { Reference = filter });
    }

    /// <summary>
    /// Returns this scheme with a reference filter on its zero-bit layer: <see cref="WatermarkScheme.Detect"/>, the
    /// accumulators and <see cref="WatermarkScheme.Localize"/> leave unscored the pairs common in
    /// <paramref name="references"/> (see <see cref="KgwScheme.WithReference(IReadOnlyList{ReferenceCorpus}, int?)"/>). Embedding and tracing are unchanged.
    /// </summary>
    /// <param name="references">The public reference corpora, in the scheme's tokenization; at least one.</param>
    /// <param name="documentsPerMillionTokens">How common a pair must be to be left unscored; the LeftHash default (50) when <see langword="null"/>.</param>
    /// <returns>The scheme with the filter, and a descriptor that names it.</returns>
    /// <exception cref="ArgumentException">No corpus, a corpus twice, or an invalid rate.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A reference token id is outside the vocabulary.</exception>
    public override FingerprintScheme WithReference(IReadOnlyList<ReferenceCorpus> references, int? documentsPerMillionTokens = null)
    {
        KgwScheme zeroBit = ZeroBit.WithReference(references, documentsPerMillionTokens);
        return new FingerprintScheme(Code, zeroBit, Options, Descriptor with { Reference = zeroBit.Descriptor.Reference });
    }

    /// <summary>Creates a session that embeds <paramref name="tenant"/>'s fingerprint.</summary>
    /// <param name="tenant">The tenant the output is for.</param>
    /// <param name="prompt">The prompt's token ids (may be empty).</param>
    /// <returns>A new session; not thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A prompt token is out of range.</exception>
    public WatermarkSession CreateSession(TenantId tenant, ReadOnlySpan<int> prompt)
    {
        var session = new FingerprintSession(this, tenant);
        session.Reset(prompt);
        return session;
    }

    /// <inheritdoc />
    /// <remarks>Without a tenant only the zero-bit watermark is embedded (the whole green list is boosted).</remarks>
    private protected override WatermarkSession CreateSessionCore(ReadOnlySpan<int> prompt) => ZeroBit.CreateSession(prompt);

    /// <inheritdoc />
    /// <remarks>The zero-bit test, with the master key alone: whoever the tenant was.</remarks>
    private protected override DetectionResult DetectCore(ReadOnlySpan<int> tokens, DetectionOptions options) => ZeroBit.Detect(tokens, options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator CreateAccumulatorCore(DetectionOptions options) => ZeroBit.CreateAccumulator(options);

    /// <inheritdoc />
    private protected override WatermarkAccumulator ReadAccumulatorCore(Stream source, DetectionOptions options) => ZeroBit.ReadAccumulator(source, options);

    /// <inheritdoc />
    private protected override LocalizationResult LocalizeCore(ReadOnlySpan<int> tokens, LocalizationOptions options) => ZeroBit.Localize(tokens, options);

    /// <inheritdoc />
    private protected override TokenEvidence ScoreEachTokenCore(ReadOnlySpan<int> tokens, DetectionOptions options) => ZeroBit.ScoreEachToken(tokens, options);

    /// <summary>Returns a tenant's codeword bit.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="position">The position, below <see cref="FingerprintOptions.Positions"/> (identity positions first).</param>
    /// <returns>The bit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is out of range.</exception>
    internal bool CodewordBit(TenantId tenant, int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Options.Positions);
        return Code.Bit(tenant, position);
    }

    /// <summary>Creates empty evidence, to add documents to one by one (a pooled corpus).</summary>
    /// <param name="options">Deduplication (corpus-wide) and the zero-bit result's minimum; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The evidence.</returns>
    public FingerprintEvidence CreateEvidence(DetectionOptions? options = null) => new(this, options ?? DetectionOptions.Default);

    /// <summary>Reads one document's evidence in one pass.</summary>
    /// <param name="tokens">The document's token ids.</param>
    /// <param name="options">Detection options; <see cref="DetectionOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The evidence.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public FingerprintEvidence Decode(ReadOnlySpan<int> tokens, DetectionOptions? options = null)
    {
        var evidence = new FingerprintEvidence(this, options ?? DetectionOptions.Default, tokens.Length);
        evidence.Add(tokens);
        return evidence;
    }

    /// <summary>Traces one document to the tenant whose fingerprint it carries, if any.</summary>
    /// <param name="tokens">The document's token ids.</param>
    /// <param name="registry">The issued tenants, or <see langword="null"/> to decode any 64-bit tenant number (the p-value is then corrected for 2^64 tenants).</param>
    /// <param name="options">Options; <see cref="TraceOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The tenant or none, with the corrected p-value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the vocabulary.</exception>
    public TraceResult Trace(ReadOnlySpan<int> tokens, TenantRegistry? registry = null, TraceOptions? options = null) =>
        TraceEvidence(Decode(tokens), registry, options);

    /// <summary>Traces evidence (one document, or several believed to share a tenant) to a tenant.</summary>
    /// <param name="evidence">Evidence from this scheme.</param>
    /// <param name="registry">The issued tenants, or <see langword="null"/> for the whole 64-bit code space.</param>
    /// <param name="options">Options; <see cref="TraceOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The tenant or none, with the corrected p-value.</returns>
    /// <exception cref="ArgumentException">The evidence comes from another scheme.</exception>
    public TraceResult TraceEvidence(FingerprintEvidence evidence, TenantRegistry? registry = null, TraceOptions? options = null)
    {
        CheckEvidence(evidence);
        return FingerprintTracer.Trace(this, evidence, registry, options ?? TraceOptions.Default);
    }

    /// <summary>
    /// Ranks the registered tenants whose codewords a pooled corpus carries (outputs of several
    /// accounts mixed, possibly colluding) by their symmetric Tardos score, and accuses those whose
    /// score no innocent tenant reaches but with the false-accusation probability of the options.
    /// </summary>
    /// <param name="evidence">The corpus's evidence (every document added to one <see cref="FingerprintEvidence"/>).</param>
    /// <param name="registry">The issued tenants; every one is scored.</param>
    /// <param name="options">Options; <see cref="PooledTraceOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The ranking, the accused, and the bound.</returns>
    /// <exception cref="ArgumentException">The evidence comes from another scheme.</exception>
    public PooledTraceResult TracePooled(FingerprintEvidence evidence, TenantRegistry registry, PooledTraceOptions? options = null)
    {
        CheckEvidence(evidence);
        ArgumentNullException.ThrowIfNull(registry);
        return FingerprintTracer.TracePooled(this, evidence, registry, options ?? PooledTraceOptions.Default);
    }

    /// <inheritdoc />
    internal override Radioactivity.RadioactivityScorer CreateRadioactivityScorer() => new Radioactivity.GreenListRadioactivityScorer(ZeroBit);

    private void CheckEvidence(FingerprintEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (!evidence.IsFrom(this))
        {
            throw new ArgumentException("The evidence was read by another fingerprint scheme.", nameof(evidence));
        }
    }
}
