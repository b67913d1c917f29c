using System;
using System.Runtime.CompilerServices;
using Distill.GreenList;

namespace Distill.SynthId;

/// <summary>
/// The per-request embedding state of a <see cref="SynthIdScheme"/>: the last tokens' hashes, the
/// current context seed, the ring of recent context seeds (repeated-context masking) and the
/// candidate buffers of the tournament.
/// </summary>
[SkipLocalsInit]
internal sealed class SynthIdSession : WatermarkSession
{
    private readonly SynthIdScheme _scheme;
    private readonly int _width;
    private readonly int[] _ids;
    private readonly float[] _values;
    private readonly double[] _probabilities;
    private readonly ulong[] _words;
    private readonly ulong[] _history;
    private int _historyCount;
    private int _historyNext;
    private HashWindow _window;
    private ulong _seed;

    public SynthIdSession(SynthIdScheme scheme)
    {
        _scheme = scheme;
        _width = scheme.Options.ContextWidth;
        int k = scheme.Options.TopK;
        _ids = new int[k];
        _values = new float[k];
        _probabilities = new double[k];
        _words = new ulong[k];
        _history = new ulong[scheme.Options.ContextHistory];
    }

    public override int VocabularySize => _scheme.VocabularySize;

    public override long Position => _window.Seen;

    /// <summary>Gets whether the next <see cref="WatermarkSession.ProcessLogits"/> watermarks: a full context that is not among the recent ones.</summary>
    internal bool WatermarksNextStep => _window.IsFull(_width) && !IsRepeatedContext();

    /// <summary>Gets the seed of the current context (valid when the window is full).</summary>
    internal ulong ContextSeed => _seed;

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        if (!WatermarksNextStep)
        {
            // Too little context, or a context seen among the last ContextHistory steps: detection
            // skips these positions too, and leaving them unwatermarked keeps repeated text unbiased.
            return;
        }

        _scheme.Embed(logits, _seed, _ids, _values, _probabilities, _words);
    }

    private protected override void AcceptCore(int token)
    {
        if (_window.IsFull(_width))
        {
            Remember(_seed);
        }

        Push(token);
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _window.Reset();
        _historyCount = 0;
        _historyNext = 0;

        // The prompt's contexts are not remembered: only generated steps enter the history, as in the reference.
        foreach (int token in prompt)
        {
            Push(token);
        }
    }

    private void Push(int token)
    {
        _window.Push(_scheme.Prf.TokenHash(token), _width);
        if (_window.IsFull(_width))
        {
            _seed = _scheme.Prf.ContextSeed(_window.Last(_width));
        }
    }

    private bool IsRepeatedContext() => _historyCount > 0 && _history.AsSpan(0, _historyCount).Contains(_seed);

    private void Remember(ulong seed)
    {
        if (_history.Length == 0)
        {
            return;
        }

        _history[_historyNext] = seed;
        _historyNext = _historyNext + 1 == _history.Length ? 0 : _historyNext + 1;
        _historyCount = Math.Min(_historyCount + 1, _history.Length);
    }
}
