using System;
using System.Security.Cryptography;
using Distill.GreenList;

namespace Distill.Gumbel;

/// <summary>
/// The per-request embedding state of a <see cref="GumbelScheme"/>: the last tokens' hashes, the
/// contexts already used in this request, and the request's variant.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WatermarkSession.ProcessLogits(Span{float})"/> makes the logits one-hot on the Gumbel-max choice (the
/// chosen token keeps its logit, every other entry becomes negative infinity), so that any sampler,
/// at any temperature, emits that token. A step is left unwatermarked, its logits unchanged, when
/// fewer than <see cref="GumbelOptions.ContextWidth"/> tokens precede it, or when its context (the
/// previous <see cref="GumbelOptions.ContextWidth"/> tokens) already preceded a token accepted since
/// the last reset. Prompt tokens fill the context but their contexts are not recorded: only
/// accepted (generated) tokens mark a context as used, which is the set detection deduplicates on
/// when it scores the generated text.
/// </para>
/// <para>
/// Nothing is allocated per token: the set of used contexts is a preallocated table that doubles
/// (rarely) when a request has more distinct contexts than it holds. Not thread-safe.
/// </para>
/// </remarks>
internal sealed class GumbelSession : WatermarkSession
{
    private readonly GumbelScheme _scheme;
    private readonly bool _fixedVariant;
    private readonly ContextSeedSet _used = new();
    private HashWindow _window;

    internal GumbelSession(GumbelScheme scheme, int variant)
    {
        _scheme = scheme;
        _fixedVariant = variant >= 0;
        Variant = Math.Max(variant, 0);
    }

    /// <inheritdoc />
    public override int VocabularySize => _scheme.VocabularySize;

    /// <inheritdoc />
    public override long Position => _window.Seen;

    /// <summary>Gets the variant this request is watermarked with (0 when the scheme has one variant).</summary>
    public int Variant { get; private set; }

    /// <summary>Makes the logits one-hot on the watermarked choice, or leaves them unchanged for an unwatermarked step.</summary>
    /// <param name="logits">The logits of every token (temperature-scaled; negative infinity for masked tokens); modified in place.</param>
    /// <exception cref="ArgumentException">At a watermarked step, every logit is negative infinity; nothing is modified then.</exception>
    private protected override void ProcessLogitsCore(Span<float> logits) => GumbelChoice.KeepOnly(logits, ChooseChecked(logits));

    /// <summary>
    /// Returns the watermarked token of this step without modifying the logits: the id maximizing
    /// l_v - ln(-ln r_v) over the finite logits (ties: the lowest id), or -1 when the step is not
    /// watermarked (too little context, or a repeated context): then sample from the logits as usual.
    /// </summary>
    /// <param name="logits">The logits of every token (temperature-scaled; negative infinity for masked tokens).</param>
    /// <returns>The chosen token id, or -1.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> has the wrong length, contains NaN or positive infinity, or (at a
    /// watermarked step) every logit is negative infinity.
    /// </exception>
    public int ChooseToken(ReadOnlySpan<float> logits)
    {
        LogitsGuard.Validate(logits, _scheme.VocabularySize, nameof(logits));
        return ChooseChecked(logits);
    }

    /// <inheritdoc />
    private protected override void AcceptCore(int token)
    {
        int h = _scheme.ContextWidth;
        if (_window.IsFull(h))
        {
            _used.Add(_scheme.Prf.ContextSeed(_window.Last(h)));
        }

        _window.Push(_scheme.Prf.TokenHash(token), h);
    }

    /// <inheritdoc />
    /// <remarks>Forgets the used contexts; a session created without an explicit variant draws a new one.</remarks>
    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _window.Reset();
        _used.Clear();
        int h = _scheme.ContextWidth;
        foreach (int token in prompt)
        {
            _window.Push(_scheme.Prf.TokenHash(token), h);
        }

        if (!_fixedVariant && _scheme.Variants > 1)
        {
            Variant = RandomNumberGenerator.GetInt32(_scheme.Variants);
        }
    }

    // ChooseToken on logits already checked.
    private int ChooseChecked(ReadOnlySpan<float> logits)
    {
        int h = _scheme.ContextWidth;
        if (!_window.IsFull(h))
        {
            return -1;
        }

        ulong context = _scheme.Prf.ContextSeed(_window.Last(h));
        if (_used.Contains(context))
        {
            return -1;
        }

        int token = GumbelChoice.Choose(logits, _scheme.StepSeed(context, Variant));
        if (token < 0)
        {
            throw new ArgumentException("Every logit is negative infinity: there is no token to choose.", nameof(logits));
        }

        return token;
    }
}
