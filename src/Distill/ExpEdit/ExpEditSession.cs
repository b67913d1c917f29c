using System;
using System.Security.Cryptography;

namespace Distill.ExpEdit;

/// <summary>
/// The per-request state of an <see cref="ExpEditScheme"/>: the shift s at which the request entered
/// the key sequence and the number of tokens generated since.
/// </summary>
/// <remarks>
/// Step i uses xi_{(s + i) mod n}, whatever the text: the prompt only has to be valid. A session made
/// without an explicit shift draws a new one from a cryptographic random number generator at every
/// <see cref="WatermarkSession.Reset(ReadOnlySpan{int})"/>; one made with an explicit shift restarts at it.
/// </remarks>
internal sealed class ExpEditSession : WatermarkSession
{
    private readonly ExpEditScheme _scheme;
    private readonly int _fixedShift;
    private long _position;
    private long _generated;

    public ExpEditSession(ExpEditScheme scheme, int fixedShift)
    {
        _scheme = scheme;
        _fixedShift = fixedShift;
    }

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _position;

    /// <summary>Gets the shift s of the current request.</summary>
    public int Shift { get; private set; }

    /// <summary>Gets the key position the next step uses: (s + generated) mod n.</summary>
    public int KeyPosition => (int)((Shift + _generated) % _scheme.Options.KeyLength);

    /// <summary>Returns the token this step emits (or -1 when every logit is masked), changing nothing.</summary>
    public int ChooseToken(ReadOnlySpan<float> logits)
    {
        LogitsGuard.Validate(logits, _scheme.VocabularySize, nameof(logits));
        return ExpEditSampler.Choose(logits, _scheme.RowSeed(KeyPosition));
    }

    private protected override void ProcessLogitsCore(Span<float> logits) =>
        Gumbel.GumbelChoice.KeepOnly(logits, ExpEditSampler.Choose(logits, _scheme.RowSeed(KeyPosition)));

    private protected override void AcceptCore(int token)
    {
        _position++;
        _generated++;
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        Shift = _fixedShift >= 0 ? _fixedShift : RandomNumberGenerator.GetInt32(_scheme.Options.KeyLength);
        _position = prompt.Length;
        _generated = 0;
    }
}
