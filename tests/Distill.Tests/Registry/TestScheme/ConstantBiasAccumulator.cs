using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distill.Detection;

namespace Distill.Tests.Registry.TestScheme;

/// <summary>The counts of a <see cref="ConstantBiasScheme"/> over documents, with the set of scored tokens when deduplicating.</summary>
/// <remarks>The base class owns the descriptor, the counts, emptying and the state framing; this class adds only the scoring.</remarks>
internal sealed class ConstantBiasAccumulator : ContextAccumulator<GreenListCounts>
{
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DSTLTCB1");
    private readonly ConstantBiasScheme _scheme;
    private readonly HashSet<int>? _seen;

    public ConstantBiasAccumulator(ConstantBiasScheme scheme, DetectionOptions options)
        : base(scheme.Descriptor, options)
    {
        _scheme = scheme;
        _seen = options.Deduplicate ? [] : null;
    }

    protected override byte[] StateMagic => s_magic;

    // Every token is scored on its own: documents have no context to end.
    public override void EndDocument()
    {
    }

    public override DetectionResult GetResult() =>
        new(Descriptor, Counts, _scheme.Options.Gamma, Deduplicate, MinimumScoredTokens);

    private protected override void AppendCore(ReadOnlySpan<int> tokens)
    {
        foreach (int token in tokens)
        {
            Counts.Tokens++;
            Score(token);
        }
    }

    private protected override void MergeCore(WatermarkAccumulator other)
    {
        var that = (ConstantBiasAccumulator)other;
        Counts.Tokens += that.Counts.Tokens;
        if (_seen is null)
        {
            Counts.Scored += that.Counts.Scored;
            Counts.Green += that.Counts.Green;
            return;
        }

        Counts.SkippedRepeated += that.Counts.SkippedRepeated;
        foreach (int token in that._seen!)
        {
            Score(token);
        }
    }

    protected override void ClearScoringState() => _seen?.Clear();

    protected override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Deduplicate);
        writer.Write(Counts.Tokens);
        writer.Write(Counts.SkippedRepeated);
        writer.Write(Counts.Scored);
        writer.Write(Counts.Green);
        int[] stored = _seen?.Order().ToArray() ?? [];
        writer.Write(stored.Length);
        foreach (int token in stored)
        {
            writer.Write(token);
        }
    }

    public static ConstantBiasAccumulator ReadFrom(Stream source, ConstantBiasScheme scheme, DetectionOptions options) =>
        ReadState(source, s_magic, scheme.Descriptor, 37, "constant-bias", reader =>
        {
            var accumulator = new ConstantBiasAccumulator(scheme, options with { Deduplicate = reader.ReadBoolean() });
            long tokens = reader.ReadInt64();
            long repeated = reader.ReadInt64();
            long scored = reader.ReadInt64();
            long green = reader.ReadInt64();
            if (tokens < 0 || repeated < 0 || scored < 0 || green < 0 || green > scored || scored + repeated != tokens)
            {
                throw Inconsistent();
            }

            accumulator.Counts.Tokens = tokens;
            int stored = ReadEntryCount(reader, accumulator.Deduplicate, scored, sizeof(int));
            if (accumulator._seen is null)
            {
                accumulator.Counts.SkippedRepeated = repeated;
                accumulator.Counts.Scored = scored;
                accumulator.Counts.Green = green;
                return accumulator;
            }

            for (int i = 0; i < stored; i++)
            {
                int token = reader.ReadInt32();
                if (token < 0 || token >= scheme.VocabularySize || !accumulator._seen.Add(token))
                {
                    throw Inconsistent();
                }

                accumulator.Counts.Scored++;
                accumulator.Counts.Green += scheme.IsGreen(token) ? 1 : 0;
            }

            if (accumulator.Counts.Green != green)
            {
                throw Inconsistent();
            }

            accumulator.Counts.SkippedRepeated = repeated;
            return accumulator;
        });

    // Scores one token, once per distinct token when deduplicating (the token count is the caller's).
    private void Score(int token)
    {
        if (_seen is not null && !_seen.Add(token))
        {
            Counts.SkippedRepeated++;
            return;
        }

        Counts.Scored++;
        Counts.Green += _scheme.IsGreen(token) ? 1 : 0;
    }
}
