using System;
using Distill.GreenList;

namespace Distill.Fingerprinting;

/// <summary>
/// The embedding state of one request for one tenant: at each step the context's seed names a
/// codeword position, and delta is added to the half of the green list whose colour is the tenant's
/// bit there. Every boosted token is green, so the zero-bit watermark is the scheme's KGW one.
/// </summary>
internal sealed class FingerprintSession : WatermarkSession
{
    private readonly FingerprintScheme _scheme;
    private readonly KgwScheme _zeroBit;
    private readonly ulong[] _codeword;
    private readonly int _width;
    private HashWindow _window;

    public FingerprintSession(FingerprintScheme scheme, TenantId tenant)
    {
        _scheme = scheme;
        _zeroBit = scheme.ZeroBit;
        _codeword = new ulong[scheme.Code.CodewordWords];
        scheme.Code.FillCodeword(tenant, _codeword);
        _width = Math.Max(_zeroBit.PrefixLength, 1);
        Tenant = tenant;
    }

    public TenantId Tenant { get; }

    public override int VocabularySize => _zeroBit.VocabularySize;

    public override long Position => _window.Seen;

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        if (!_window.IsFull(_zeroBit.PrefixLength))
        {
            return;
        }

        ulong seed = _zeroBit.Seed(ref _window, 0);
        int position = _scheme.Code.Position(seed);
        bool one = ((_codeword[position >> 6] >> (position & 63)) & 1UL) != 0;
        uint split = _scheme.ColourSplit;
        if (one)
        {
            GreenBias.ApplyRange(logits, seed, split, _zeroBit.Threshold - split, _zeroBit.DeltaSingle);
        }
        else
        {
            GreenBias.ApplyRange(logits, seed, 0, split, _zeroBit.DeltaSingle);
        }
    }

    private protected override void AcceptCore(int token)
    {
        _window.Push(_zeroBit.Prf.TokenHash(token), _width);
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _window.Reset();
        foreach (int token in prompt)
        {
            _window.Push(_zeroBit.Prf.TokenHash(token), _width);
        }
    }
}
