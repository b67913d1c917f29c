using System;
using System.Collections.Generic;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Distill.Tests.Accumulators.AccumulatorTestData;

namespace Distill.Tests.Accumulators;

/// <summary>
/// Properties of green-list accumulators over random corpora from a 50-token vocabulary (so that
/// (context, token) pairs repeat), random keys, with and without deduplication, for LeftHash (h = 1)
/// and SelfHash (h = 4). Each case derives everything from its seed: a failure prints a replayable case.
/// </summary>
public class GreenListAccumulatorPropertyTests
{
    [Property(MaxTest = 60, Replay = "(31337,2025)")]
    public Property Merge_is_commutative(int seed, bool deduplicate, bool selfHash)
    {
        var (scheme, options, groups) = Case(seed, selfHash, deduplicate, groupCount: 2);
        GreenListAccumulator ab = Accumulate(scheme, options, groups[0]);
        ab.Merge(Accumulate(scheme, options, groups[1]));
        GreenListAccumulator ba = Accumulate(scheme, options, groups[1]);
        ba.Merge(Accumulate(scheme, options, groups[0]));

        AccumulatorState left = State(ab), right = State(ba);
        return (left == right && left.CountsAddUp).Label($"seed={seed} dedup={deduplicate} selfHash={selfHash}: {left} vs {right}");
    }

    [Property(MaxTest = 60, Replay = "(4711,7919)")]
    public Property Merge_is_associative(int seed, bool deduplicate, bool selfHash)
    {
        var (scheme, options, groups) = Case(seed, selfHash, deduplicate, groupCount: 3);

        // (x + y) + z
        GreenListAccumulator left = Accumulate(scheme, options, groups[0]);
        left.Merge(Accumulate(scheme, options, groups[1]));
        left.Merge(Accumulate(scheme, options, groups[2]));

        // x + (y + z)
        GreenListAccumulator yz = Accumulate(scheme, options, groups[1]);
        yz.Merge(Accumulate(scheme, options, groups[2]));
        GreenListAccumulator right = Accumulate(scheme, options, groups[0]);
        right.Merge(yz);

        AccumulatorState l = State(left), r = State(right);
        return (l == r && l.CountsAddUp).Label($"seed={seed} dedup={deduplicate} selfHash={selfHash}: {l} vs {r}");
    }

    [Property(MaxTest = 60, Replay = "(8675309,4243)")]
    public Property Merging_per_document_accumulators_equals_one_accumulator_over_all_documents(int seed, bool deduplicate, bool selfHash)
    {
        var (scheme, options, groups) = Case(seed, selfHash, deduplicate, groupCount: 1);
        List<int[]> documents = groups[0];

        GreenListAccumulator one = Accumulate(scheme, options, documents);
        GreenListAccumulator merged = (GreenListAccumulator)scheme.CreateAccumulator(options);
        foreach (int[] document in documents)
        {
            GreenListAccumulator single = (GreenListAccumulator)scheme.CreateAccumulator(options);
            single.Append(document);
            merged.Merge(single);
        }

        // Without deduplication the total is also the sum of the per-document detections.
        long scoredSum = documents.Sum(d => scheme.Detect(d, options).ScoredTokens);
        long greenSum = documents.Sum(d => scheme.Detect(d, options).GreenTokens);

        AccumulatorState a = State(one), b = State(merged);
        bool sums = deduplicate
            ? a.Scored <= scoredSum && a.Green <= greenSum
            : a.Scored == scoredSum && a.Green == greenSum;
        return (a == b && a.CountsAddUp && sums && a.Tokens == documents.Sum(d => d.Length))
            .Label($"seed={seed} dedup={deduplicate} selfHash={selfHash}: {a} vs {b}; sums {scoredSum}/{greenSum}");
    }

    [Property(MaxTest = 60, Replay = "(271828,3141)")]
    public Property Appending_one_by_one_or_in_chunks_equals_Detect(int seed, bool deduplicate, bool selfHash)
    {
        var random = new Random(seed);
        KgwScheme scheme = Scheme(seed, selfHash);
        DetectionOptions options = Options(deduplicate);
        int[] document = Documents(scheme, random, 4).SelectMany(d => d).ToArray();

        AccumulatorState expected = State(scheme.Detect(document, options));

        GreenListAccumulator whole = (GreenListAccumulator)scheme.CreateAccumulator(options);
        whole.Append(document);

        GreenListAccumulator oneByOne = (GreenListAccumulator)scheme.CreateAccumulator(options);
        foreach (int token in document)
        {
            oneByOne.Append(token);
        }

        GreenListAccumulator chunked = (GreenListAccumulator)scheme.CreateAccumulator(options);
        for (int i = 0; i < document.Length;)
        {
            int length = Math.Min(random.Next(0, 9), document.Length - i);
            chunked.Append(document.AsSpan(i, length));
            i += length;
        }

        var scores = new TokenScore[document.Length];
        AccumulatorState scored = State(scheme.ScoreTokens(document, scores, options));
        bool scoresAgree =
            scores.Count(s => s == TokenScore.Green) == expected.Green
            && scores.Count(s => s is TokenScore.Green or TokenScore.Red) == expected.Scored
            && scores.Count(s => s == TokenScore.Repeated) == expected.SkippedRepeated
            && scores.Count(s => s == TokenScore.Prefix) == expected.SkippedPrefix;

        AccumulatorState w = State(whole).WithoutBytes(), o = State(oneByOne).WithoutBytes(), c = State(chunked).WithoutBytes();
        return (w == expected && o == expected && c == expected && scored == expected && scoresAgree && expected.CountsAddUp)
            .Label($"seed={seed} dedup={deduplicate} selfHash={selfHash}: detect {expected}, whole {w}, one by one {o}, chunked {c}, ScoreTokens {scored}");
    }

    [Property(MaxTest = 60, Replay = "(1618033,9887)")]
    public Property WriteTo_then_ReadFrom_round_trips(int seed, bool deduplicate, bool selfHash)
    {
        var (scheme, options, groups) = Case(seed, selfHash, deduplicate, groupCount: 2);
        GreenListAccumulator original = Accumulate(scheme, options, groups[0]);
        byte[] bytes = Bytes(original);

        // Read with options that disagree on deduplication: the state's own setting wins.
        GreenListAccumulator read = Read(bytes, scheme, Options(!deduplicate));
        AccumulatorState before = State(original), after = State(read);
        bool sameBytes = bytes.AsSpan().SequenceEqual(Bytes(read));

        // Appending after a read starts a new document, exactly as after EndDocument.
        foreach (int[] document in groups[1])
        {
            original.Append(document);
            original.EndDocument();
            read.Append(document);
            read.EndDocument();
        }

        AccumulatorState grownOriginal = State(original), grownRead = State(read);
        return (before == after && sameBytes && read.Deduplicate == deduplicate && grownOriginal == grownRead)
            .Label($"seed={seed} dedup={deduplicate} selfHash={selfHash}: {before} vs {after}; grown {grownOriginal} vs {grownRead}");
    }

    private static (KgwScheme Scheme, DetectionOptions Options, List<int[]>[] Groups) Case(int seed, bool selfHash, bool deduplicate, int groupCount)
    {
        var random = new Random(seed);
        KgwScheme scheme = Scheme(seed, selfHash);
        List<int[]> documents = Documents(scheme, random, random.Next(1, 7) * groupCount);
        var groups = Enumerable.Range(0, groupCount).Select(_ => new List<int[]>()).ToArray();
        foreach (int[] document in documents)
        {
            groups[random.Next(groupCount)].Add(document);
        }

        return (scheme, Options(deduplicate), groups);
    }
}
