using System;
using System.Collections.Generic;

namespace Distill.Evaluation.Tests;

/// <summary>
/// A test-only watermark session that records every call (and what the logits looked like when it
/// was asked to process them), optionally rewriting the logits.
/// </summary>
internal sealed class RecordingSession : WatermarkSession
{
    private readonly Action<Span<float>>? _rewrite;
    private readonly int _snapshotLimit;
    private long _position;

    public RecordingSession(int vocabularySize, Action<Span<float>>? rewrite = null, int snapshotLimit = 0)
    {
        VocabularySize = vocabularySize;
        _rewrite = rewrite;
        _snapshotLimit = snapshotLimit;
    }

    public override int VocabularySize { get; }

    public override long Position => _position;

    /// <summary>"P" for ProcessLogits, "A:token" for Accept, "R" for Reset, in call order.</summary>
    public List<string> Calls { get; } = [];

    public List<int> Accepted { get; } = [];

    /// <summary>The number of finite logits each ProcessLogits call received.</summary>
    public List<int> FiniteCounts { get; } = [];

    /// <summary>Copies of the logits the first few ProcessLogits calls received.</summary>
    public List<float[]> Snapshots { get; } = [];

    public int[]? LastResetPrompt { get; private set; }

    private protected override void ProcessLogitsCore(Span<float> logits)
    {
        Calls.Add("P");
        int finite = 0;
        foreach (float logit in logits)
        {
            if (!float.IsNegativeInfinity(logit))
            {
                finite++;
            }
        }

        FiniteCounts.Add(finite);
        if (Snapshots.Count < _snapshotLimit)
        {
            Snapshots.Add(logits.ToArray());
        }

        _rewrite?.Invoke(logits);
    }

    private protected override void AcceptCore(int token)
    {
        Calls.Add("A:" + token.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Accepted.Add(token);
        _position++;
    }

    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        Calls.Add("R");
        LastResetPrompt = prompt.ToArray();
        _position = prompt.Length;
    }
}
