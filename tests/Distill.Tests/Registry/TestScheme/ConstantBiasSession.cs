using System;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>The per-request state of a <see cref="ConstantBiasScheme"/>: only a position, since the green list never changes.</summary>
internal sealed class ConstantBiasSession : WatermarkSession
{
    private readonly ConstantBiasScheme _scheme;
    private long _position;

    public ConstantBiasSession(ConstantBiasScheme scheme) => _scheme = scheme;

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _position;

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        float delta = (float)_scheme.Options.Delta;
        for (int token = 0; token < logits.Length; token++)
        {
            if (_scheme.IsGreen(token))
            {
                // Negative infinity (a masked token) stays negative infinity.
                logits[token] += delta;
            }
        }
    }

    private protected override void AcceptCore(int token) => _position++;

    private protected override void ResetCore(ReadOnlySpan<int> prompt) => _position = prompt.Length;
}
