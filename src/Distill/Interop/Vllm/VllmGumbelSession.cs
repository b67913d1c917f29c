using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Distill.Gumbel;

namespace Distill.Interop;

/// <summary>
/// The per-request embedding state of a <see cref="VllmGumbelScheme"/>: vLLM's sampler for one
/// response, so that a .NET pipeline produces text vLLM's detector accepts.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WatermarkSession.ProcessLogits(Span{float})"/> makes the logits one-hot on vLLM's Gumbel-max pick
/// (the chosen token keeps its logit, every other entry becomes negative infinity). Pass the logits
/// after temperature and truncation (top-k, top-p, min-p: excluded tokens at negative infinity), as
/// vLLM applies them before its watermark sampler. A step whose context (the previous W generated
/// tokens, padding included) already preceded a token in the last <see cref="VllmOptions.LookBack"/>
/// positions is not watermarked: the logits are left unchanged and the caller samples as usual.
/// Greedy decoding is not watermarked by vLLM either: do not call this session for greedy requests.
/// </para>
/// <para>
/// The prompt is not part of vLLM's context: <see cref="WatermarkSession.Reset(ReadOnlySpan{int})"/> validates it,
/// counts it in <see cref="Position"/> and starts the context at the padding. For the dual key, each
/// watermarked step uses key B with probability alpha, drawn from the session's own generator.
/// </para>
/// <para>Allocation per token: none once the look-back table has grown to the response's size. Not thread-safe.</para>
/// </remarks>
internal sealed class VllmGumbelSession : WatermarkSession
{
    private readonly VllmGumbelScheme _scheme;
    private readonly int? _routingSeed;
    private readonly VllmContextWindow _window;
    private readonly Dictionary<UInt128, int> _recent = [];
    private readonly Queue<UInt128> _order = new();
    private readonly uint[] _words;
    private Random _routing;
    private long _position;
    private UInt128 _contextState;
    private bool _contextStateValid;

    internal VllmGumbelSession(VllmGumbelScheme scheme, int? routingSeed)
    {
        _scheme = scheme;
        _routingSeed = routingSeed;
        _window = new VllmContextWindow(scheme.Options.ContextWidth);
        _words = new uint[scheme.VocabularySize];
        _routing = NewRouting();
    }

    /// <inheritdoc />
    public override int VocabularySize => _scheme.VocabularySize;

    /// <inheritdoc />
    public override long Position => _position;

    /// <summary>Makes the logits one-hot on the watermarked choice, or leaves them unchanged for an unwatermarked step.</summary>
    /// <param name="logits">The logits of every token (temperature-scaled; negative infinity for masked tokens); modified in place.</param>
    /// <exception cref="ArgumentException">At a watermarked step, every logit is negative infinity; nothing is modified then.</exception>
    private protected override void ProcessLogitsCore(Span<float> logits) => GumbelChoice.KeepOnly(logits, ChooseChecked(logits, DrawKeyB()));

    /// <summary>
    /// Returns vLLM's watermarked token of this step without modifying the logits, or -1 when the step
    /// is not watermarked (its context is repeated): then sample from the logits as usual. For the dual
    /// key this draws the step's key.
    /// </summary>
    /// <param name="logits">The logits of every token (after temperature and truncation).</param>
    /// <returns>The chosen token id, or -1.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> has the wrong length, contains NaN or positive infinity, or every logit is negative infinity.</exception>
    public int ChooseToken(ReadOnlySpan<float> logits)
    {
        LogitsGuard.Validate(logits, _scheme.VocabularySize, nameof(logits));
        return ChooseChecked(logits, DrawKeyB());
    }

    /// <summary>vLLM's watermarked token under the key given (dual key: key B when <paramref name="useKeyB"/>), or -1 for a repeated context.</summary>
    /// <param name="logits">The logits of every token (after temperature and truncation).</param>
    /// <param name="useKeyB">Whether the step uses key B (only for the dual key; ignored for one key).</param>
    /// <returns>The chosen token id, or -1.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> has the wrong length, contains NaN or positive infinity, or every logit is negative infinity.</exception>
    public int ChooseToken(ReadOnlySpan<float> logits, bool useKeyB)
    {
        LogitsGuard.Validate(logits, _scheme.VocabularySize, nameof(logits));
        return ChooseChecked(logits, useKeyB);
    }

    /// <inheritdoc />
    private protected override void AcceptCore(int token)
    {
        // The context's state was absorbed by this step's ChooseToken, unless the caller skipped it.
        UInt128 context = _contextStateValid ? _contextState : VllmGumbelScheme.Pack(_scheme.PrfA.Absorb(_window.Context));
        CollectionsMarshal.GetValueRefOrAddDefault(_recent, context, out _)++;
        _order.Enqueue(context);
        if (_order.Count > _scheme.Options.LookBack)
        {
            UInt128 oldest = _order.Dequeue();
            ref int count = ref CollectionsMarshal.GetValueRefOrNullRef(_recent, oldest);
            if (--count == 0)
            {
                _recent.Remove(oldest);
            }
        }

        _window.Push(token);
        _contextStateValid = false;
        _position++;
    }

    /// <inheritdoc />
    /// <remarks>Forgets the response's contexts; a session without a fixed routing seed draws a new one.</remarks>
    private protected override void ResetCore(ReadOnlySpan<int> prompt)
    {
        _window.Reset();
        _contextStateValid = false;
        _recent.Clear();
        _order.Clear();
        _position = prompt.Length;
        _routing = NewRouting();
    }

    private Random NewRouting() => new(_routingSeed ?? RandomNumberGenerator.GetInt32(int.MaxValue));

    // For the dual key, whether this step uses key B (a draw from the session's generator).
    private bool DrawKeyB() => _scheme.Options.DualKey && _routing.NextDouble() < _scheme.Options.Alpha;

    // ChooseToken on logits already checked.
    private int ChooseChecked(ReadOnlySpan<float> logits, bool useKeyB)
    {
        var stateA = _scheme.PrfA.Absorb(_window.Context);
        _contextState = VllmGumbelScheme.Pack(stateA);
        _contextStateValid = true;
        if (_recent.ContainsKey(_contextState))
        {
            return -1;
        }

        ref readonly VllmPrf prf = ref (_scheme.Options.DualKey && useKeyB ? ref _scheme.PrfB : ref _scheme.PrfA);
        var state = _scheme.Options.DualKey && useKeyB ? prf.Absorb(_window.Context) : stateA;
        int token = prf.ChooseToken(state, logits, _scheme.Options.LegacyTokenMapping, _words);
        if (token < 0)
        {
            throw new ArgumentException("Every logit is negative infinity: there is no token to choose.", nameof(logits));
        }

        return token;
    }
}
