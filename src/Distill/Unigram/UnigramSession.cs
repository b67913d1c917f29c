using System;
using Distill.GreenList;

namespace Distill.Unigram;

/// <summary>The per-request state of a <see cref="UnigramScheme"/>: only a position, since the green list never changes.</summary>
internal sealed class UnigramSession : WatermarkSession
{
    private readonly UnigramScheme _scheme;
    private long _position;

    public UnigramSession(UnigramScheme scheme) => _scheme = scheme;

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _position;

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        GreenBias.Apply(logits, _scheme.Seed, _scheme.Threshold, _scheme.DeltaSingle);
    }

    private protected override void AcceptCore(int token)
    {
        _position++;
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _position = prompt.Length;
    }
}
