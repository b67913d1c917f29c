namespace Distill;

/// <summary>
/// Everything a detector must agree on with the embedder: the scheme and its version, its
/// parameters, the pseudo-random function's version, the tokenizer and the public key id. Never
/// the secret.
/// </summary>
/// <remarks>
/// Configuration drift between embedder and detector (another tokenizer, another context width,
/// another key) is the most common failure in the field; detection refuses a descriptor that does
/// not match the scheme's own (see <see cref="Hash"/>).
/// </remarks>
public sealed partial record SchemeDescriptor
{
    /// <summary>Gets the scheme's name, for example <c>kgw</c>.</summary>
    public required string Scheme { get; init; }

    /// <summary>Gets the scheme's version: a released version never changes its outputs.</summary>
    public required int SchemeVersion { get; init; }

    /// <summary>Gets the pseudo-random function's version.</summary>
    public required int PrfVersion { get; init; }

    /// <summary>Gets the vocabulary size: the length of every logits span.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Gets the tokenizer's identity (for example <c>o200k_base</c>), or <see langword="null"/> when token ids come from elsewhere.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>Gets the public id of the key (see <see cref="WatermarkKey.KeyId"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the green-list (KGW) parameters when <see cref="Scheme"/> is <c>kgw</c>.</summary>
    public GreenList.KgwOptions? Kgw { get; init; }

    /// <summary>Gets the Unigram parameters when <see cref="Scheme"/> is <c>unigram</c>.</summary>
    public Unigram.UnigramOptions? Unigram { get; init; }

    /// <summary>Gets the Gumbel-max parameters when <see cref="Scheme"/> is <c>gumbel</c>.</summary>
    public Gumbel.GumbelOptions? Gumbel { get; init; }

    /// <summary>Gets the SynthID-Text tournament parameters when <see cref="Scheme"/> is <c>synthid</c>.</summary>
    public SynthId.SynthIdOptions? SynthId { get; init; }

    /// <summary>Gets the EXP-edit parameters when <see cref="Scheme"/> is <c>exp-edit</c>.</summary>
    public ExpEdit.ExpEditOptions? ExpEdit { get; init; }

    /// <summary>
    /// Gets the tenant-fingerprint parameters when <see cref="Scheme"/> is <c>kgw-fingerprint</c>
    /// (whose zero-bit layer is described by <see cref="Kgw"/>).
    /// </summary>
    public Fingerprinting.FingerprintOptions? Fingerprint { get; init; }

    /// <summary>Gets vLLM's Gumbel-max parameters when <see cref="Scheme"/> is <c>vllm-gumbel</c> or <c>vllm-dual-key-gumbel</c>.</summary>
    public Interop.VllmOptions? Vllm { get; init; }

    /// <summary>Gets the parameters of Hugging Face transformers' KGW when <see cref="Scheme"/> is <c>hf-kgw</c>.</summary>
    public Interop.HfKgwOptions? HfKgw { get; init; }

    /// <summary>Gets the parameters of Hugging Face transformers' SynthID-Text when <see cref="Scheme"/> is <c>hf-synthid</c>.</summary>
    public Interop.HfSynthIdOptions? HfSynthId { get; init; }

    /// <summary>
    /// Gets the reference filter of a green-list scheme: the public text whose common (context, token)
    /// pairs detection leaves unscored, or <see langword="null"/> when every pair is scored (the
    /// behaviour of descriptors made before filters existed).
    /// </summary>
    public Reference.ReferenceFilterOptions? Reference { get; init; }

    /// <summary>
    /// Gets the named parameters of a scheme added through the scheme registry, which has no typed block
    /// above (written as <c>parameters</c> and hashed last, only when present; see <c>docs/descriptor.md</c>).
    /// </summary>
    [System.Text.Json.Serialization.JsonInclude]
    internal SchemeParameters? Parameters { get; init; }

    /// <summary>Gets the parameters of the descriptor's scheme as its registration reads them, for messages.</summary>
    internal object? ParametersForMessages => Registry.SchemeRegistry.Find(Scheme)?.Options(this) ?? Parameters;

    /// <summary>
    /// Checks, for a scheme's <c>FromDescriptor</c>, that <paramref name="descriptor"/> is one of that scheme and
    /// version, carries its parameters, and names <paramref name="key"/>.
    /// </summary>
    /// <exception cref="System.ArgumentException">Another scheme, no parameters, or another key.</exception>
    /// <exception cref="System.NotSupportedException">Another scheme or PRF version.</exception>
    internal static void CheckFor(SchemeDescriptor descriptor, string scheme, int version, int prfVersion, object? parameters, WatermarkKey key)
    {
        System.ArgumentNullException.ThrowIfNull(descriptor);
        System.ArgumentNullException.ThrowIfNull(key);
        if (descriptor.Scheme != scheme || parameters is null)
        {
            throw new System.ArgumentException($"The descriptor is for scheme '{descriptor.Scheme}', not '{scheme}'.", nameof(descriptor));
        }

        if (descriptor.SchemeVersion != version || descriptor.PrfVersion != prfVersion)
        {
            throw new System.NotSupportedException($"{scheme} version {descriptor.SchemeVersion} with PRF version {descriptor.PrfVersion} is not supported by this release of Distill (it implements version {version}, PRF {prfVersion}).");
        }

        if (descriptor.KeyId != key.KeyId)
        {
            throw new System.ArgumentException($"The descriptor names key {descriptor.KeyId}, but the key given is {key.KeyId}.", nameof(key));
        }
    }
}
