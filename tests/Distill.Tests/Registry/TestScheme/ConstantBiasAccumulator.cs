using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Detection;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>The counts of a <see cref="ConstantBiasScheme"/> over documents, with the set of scored tokens when deduplicating.</summary>
internal sealed class ConstantBiasAccumulator : WatermarkAccumulator
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLTCB1");
    private readonly ConstantBiasScheme _scheme;
    private readonly HashSet<int>? _seen;
    private readonly int _minimumScoredTokens;
    private long _tokens;
    private long _repeated;
    private long _scored;
    private long _green;

    public ConstantBiasAccumulator(ConstantBiasScheme scheme, DetectionOptions options)
    {
        _scheme = scheme;
        _minimumScoredTokens = options.MinimumScoredTokens;
        _seen = options.Deduplicate ? [] : null;
    }

    public override SchemeDescriptor Descriptor => _scheme.Descriptor;

    public override bool Deduplicate => _seen is not null;

    public override long TokenCount => _tokens;

    public override long ScoredTokens => _scored;

    public override void Append(ReadOnlySpan<int> tokens)
    {
        LogitsGuard.ValidateTokens(tokens, _scheme.VocabularySize, nameof(tokens));
        foreach (int token in tokens)
        {
            _tokens++;
            if (_seen is not null && !_seen.Add(token))
            {
                _repeated++;
                continue;
            }

            _scored++;
            _green += _scheme.IsGreen(token) ? 1 : 0;
        }
    }

    // Every token is scored on its own: documents have no context to end.
    public override void EndDocument()
    {
    }

    public override void Merge(WatermarkAccumulator other)
    {
        ConstantBiasAccumulator that = CheckMergeable<ConstantBiasAccumulator>(other);
        _tokens += that._tokens;
        _repeated += that._repeated;
        if (_seen is null)
        {
            _scored += that._scored;
            _green += that._green;
            return;
        }

        foreach (int token in that._seen!)
        {
            if (_seen.Add(token))
            {
                _scored++;
                _green += _scheme.IsGreen(token) ? 1 : 0;
            }
            else
            {
                _repeated++;
            }
        }
    }

    public override DetectionResult GetResult()
    {
        var counts = new GreenListCounts { Tokens = _tokens, SkippedRepeated = _repeated, Scored = _scored, Green = _green };
        return new DetectionResult(Descriptor, counts, _scheme.Options.Gamma, Deduplicate, _minimumScoredTokens);
    }

    public override void Reset()
    {
        _tokens = _repeated = _scored = _green = 0;
        _seen?.Clear();
    }

    public override void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WriteState(destination, s_magic, Descriptor, writer =>
        {
            writer.Write(Deduplicate);
            writer.Write(_tokens);
            writer.Write(_repeated);
            writer.Write(_scored);
            writer.Write(_green);
            foreach (int token in _seen?.Order() ?? Enumerable.Empty<int>())
            {
                writer.Write(token);
            }
        });
    }

    public static ConstantBiasAccumulator ReadFrom(Stream source, ConstantBiasScheme scheme, DetectionOptions options)
    {
        byte[] data = ReadState(source, s_magic, scheme.Descriptor, 33, "constant-bias");
        using BinaryReader reader = PayloadReader(data, s_magic);
        var accumulator = new ConstantBiasAccumulator(scheme, new DetectionOptions { Deduplicate = reader.ReadBoolean(), MinimumScoredTokens = options.MinimumScoredTokens });
        accumulator._tokens = reader.ReadInt64();
        accumulator._repeated = reader.ReadInt64();
        accumulator._scored = reader.ReadInt64();
        accumulator._green = reader.ReadInt64();
        long stored = (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(int);
        if (accumulator._tokens < 0 || accumulator._scored < 0 || accumulator._green < 0 || accumulator._green > accumulator._scored
            || accumulator._repeated < 0 || accumulator._scored + accumulator._repeated != accumulator._tokens || stored != (accumulator.Deduplicate ? accumulator._scored : 0))
        {
            throw new InvalidDataException("The accumulator data is inconsistent.");
        }

        long green = 0;
        for (long i = 0; i < stored; i++)
        {
            int token = reader.ReadInt32();
            if (token < 0 || token >= scheme.VocabularySize || !accumulator._seen!.Add(token))
            {
                throw new InvalidDataException("The accumulator data is inconsistent.");
            }

            green += scheme.IsGreen(token) ? 1 : 0;
        }

        if (accumulator.Deduplicate && green != accumulator._green)
        {
            throw new InvalidDataException("The accumulator data is inconsistent.");
        }

        return accumulator;
    }
}
