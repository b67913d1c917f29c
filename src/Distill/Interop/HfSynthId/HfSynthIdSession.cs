using System;

namespace Distill.Interop;

/// <summary>
/// The per-request state of an <see cref="HfSynthIdScheme"/>: transformers'
/// <c>SynthIDTextWatermarkState</c> (the n - 1 last generated tokens, zeros before the first, the
/// context history, the number of calls) and the vocabulary-sized buffers of the update.
/// </summary>
/// <remarks>
/// One <see cref="WatermarkSession.ProcessLogits"/> is one call of the reference processor and must be followed by
/// <see cref="WatermarkSession.Accept"/> with the sampled token (the reference appends the last input id on its next
/// call; Distill appends it on Accept). The logits are rewritten to the reference's output, the
/// log-probabilities of the watermarked distribution, so an ordinary softmax sampler draws from it.
/// Logits that were negative infinity stay negative infinity (the reference would write
/// <see cref="float.MinValue"/> there, a probability that also underflows to 0: a masked token is never
/// drawn either way); other tokens whose probability underflows get <see cref="float.MinValue"/> as in
/// the reference. A repeated context leaves the logits unchanged. Nothing is allocated per token.
/// </remarks>
internal sealed class HfSynthIdSession : WatermarkSession
{
    private readonly HfSynthIdScheme _scheme;
    private readonly int[] _context;
    private readonly HfSynthIdHistory _history;
    private readonly float[] _p;
    private readonly float[] _g;
    private readonly float[] _product;
    private long _position;
    private long _calls;

    public HfSynthIdSession(HfSynthIdScheme scheme)
    {
        _scheme = scheme;
        _context = new int[scheme.Options.NgramLength - 1];
        _history = new HfSynthIdHistory(scheme.Options.ContextHistory);
        int v = scheme.VocabularySize;
        _p = new float[v];
        _g = new float[v];
        _product = new float[v];
    }

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _position;

    /// <summary>Gets the hash of the current context (what the next call hashes).</summary>
    internal long ContextHash => HfSynthIdScheme.ContextHash(_context);

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        _calls++;
        if (_scheme.Options.SkipFirstNgramCalls && _calls < _scheme.Options.NgramLength)
        {
            return;
        }

        long hash = HfSynthIdScheme.ContextHash(_context);
        if (_history.CheckAndPush(hash))
        {
            return;
        }

        if (!logits.ContainsAnyExcept(float.NegativeInfinity))
        {
            // Every token masked: nothing to reweight (torch would produce NaN).
            return;
        }

        _scheme.UpdateScores(logits, hash, _p, _g, _product);
    }

    private protected override void AcceptCore(int token)
    {
        if (_context.Length > 0)
        {
            _context.AsSpan(1).CopyTo(_context);
            _context[^1] = token;
        }

        _position++;
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        Array.Clear(_context);
        _history.Reset();
        _calls = 0;
        _position = prompt.Length;
    }
}
