// SCRATCH stand-in for the lead's Distill.Radioactivity API (KGW only); deleted when main lands it.
#pragma warning disable
using System;
using System.Collections.Generic;
using System.IO;
using Distill.GreenList;
using Distill.Statistics;

namespace Distill.Radioactivity;

internal sealed record RadioactivityOptions
{
    public static RadioactivityOptions Default { get; } = new();
    public bool Deduplicate { get; init; } = true;
    public ContextFilter? Filter { get; init; }
    public int MinimumScoredTokens { get; init; } = 1;
}

internal interface INextTokenPredictor
{
    int PredictNextToken(ReadOnlySpan<int> context);
}

internal sealed class ContextFilter
{
    internal readonly HashSet<string> Windows = new();
    public static ContextFilter Create(WatermarkScheme scheme, IEnumerable<ReadOnlyMemory<int>> watermarkedOutputs)
    {
        var kgw = scheme as KgwScheme ?? throw new NotSupportedException("stand-in: KGW only");
        int h = kgw.Options.PrefixLength;
        var f = new ContextFilter();
        foreach (var o in watermarkedOutputs)
        {
            var s = o.Span;
            for (int i = h; i < s.Length; i++) f.Windows.Add(string.Join(",", s[(i - h)..i].ToArray()));
        }
        return f;
    }
    public int Count => Windows.Count;
}

internal sealed class RadioactivityResult
{
    public long TokenCount { get; init; }
    public long ScoredTokens { get; init; }
    public long GreenTokens { get; init; }
    public long Duplicates { get; init; }
    public long ExcludedByPrompt { get; init; }
    public long OutsideFilter { get; init; }
    public double Score => ScoredTokens == 0 ? 0 : (double)GreenTokens / ScoredTokens;
    public double ZScore { get; init; }
    public double Log10PValue { get; init; }
    public double PValue => Math.Pow(10, Log10PValue);
}

internal sealed class ClosedModelTest
{
    private readonly KgwScheme _s; private readonly RadioactivityOptions _o; private readonly int _h;
    private readonly HashSet<string> _prompt = new(); private readonly HashSet<string> _seen = new();
    private long _tokens, _scored, _green, _dup, _excl, _out;
    private bool _outputs;
    public ClosedModelTest(WatermarkScheme scheme, RadioactivityOptions? options = null)
    {
        _s = scheme as KgwScheme ?? throw new NotSupportedException("stand-in: KGW only"); _o = options ?? RadioactivityOptions.Default; _h = _s.Options.PrefixLength;
    }
    public void AddPrompt(ReadOnlySpan<int> prompt)
    {
        if (_outputs) throw new InvalidOperationException();
        for (int i = _h; i <= prompt.Length; i++) _prompt.Add(string.Join(",", prompt[(i - _h)..i].ToArray()));
    }
    public void AddOutput(ReadOnlySpan<int> output)
    {
        _outputs = true;
        for (int i = 0; i < output.Length; i++)
        {
            _tokens++;
            if (i < _h) continue;
            string w = string.Join(",", output[(i - _h)..i].ToArray());
            if (_prompt.Contains(w)) { _excl++; continue; }
            if (_o.Filter is { } f && !f.Windows.Contains(w)) { _out++; continue; }
            if (_o.Deduplicate && !_seen.Add(w + "|" + output[i])) { _dup++; continue; }
            _scored++;
            if (_s.IsGreen(output[(i - _h)..i], output[i])) _green++;
        }
    }
    public RadioactivityResult GetResult() => StandInResult.Make(_s, _tokens, _scored, _green, _dup, _excl, _out);
}

internal sealed class OpenModelTest
{
    private readonly KgwScheme _s; private readonly RadioactivityOptions _o; private readonly int _h;
    private readonly HashSet<string> _seen = new();
    private long _tokens, _scored, _green, _dup, _out;
    public OpenModelTest(WatermarkScheme scheme, RadioactivityOptions? options = null)
    {
        _s = scheme as KgwScheme ?? throw new NotSupportedException("stand-in: KGW only"); _o = options ?? RadioactivityOptions.Default; _h = _s.Options.PrefixLength;
    }
    public void AddText(ReadOnlySpan<int> text, INextTokenPredictor suspect)
    {
        for (int i = 0; i < text.Length; i++)
        {
            _tokens++;
            if (i < _h) continue;
            int p = suspect.PredictNextToken(text[..i]);
            string w = string.Join(",", text[(i - _h)..i].ToArray());
            if (_o.Deduplicate && !_seen.Add(w + "|" + p)) { _dup++; continue; }
            _scored++;
            if (_s.IsGreen(text[(i - _h)..i], p)) _green++;
        }
    }
    public RadioactivityResult GetResult() => StandInResult.Make(_s, _tokens, _scored, _green, _dup, 0, _out);
}

internal static class StandInResult
{
    public static RadioactivityResult Make(KgwScheme s, long tokens, long scored, long green, long dup, long excl, long outside)
    {
        double g = s.EffectiveGamma;
        double z = scored == 0 ? 0 : (green - g * scored) / Math.Sqrt(scored * g * (1 - g));
        double l = scored == 0 ? 0 : Math.Min(0, Binomial.Log10UpperTail(green, scored, g));
        return new RadioactivityResult { TokenCount = tokens, ScoredTokens = scored, GreenTokens = green, Duplicates = dup, ExcludedByPrompt = excl, OutsideFilter = outside, ZScore = z, Log10PValue = l };
    }
}
