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

    public override void ProcessLogits(Span<float> logits)
    {
        LogitsGuard.Validate(logits, _scheme.VocabularySize, nameof(logits));
        GreenBias.Apply(logits, _scheme.Seed, _scheme.Threshold, _scheme.DeltaSingle);
    }

    public override void Accept(int token)
    {
        LogitsGuard.ValidateToken(token, _scheme.VocabularySize, nameof(token));
        _position++;
    }

    public override void Reset(ReadOnlySpan<int> prompt)
    {
        LogitsGuard.ValidateTokens(prompt, _scheme.VocabularySize, nameof(prompt));
        _position = prompt.Length;
    }
}
