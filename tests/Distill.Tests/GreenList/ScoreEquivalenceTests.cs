using System;
using System.IO;
using System.Linq;
using Distill.Detection;
using Distill.GreenList;

namespace Distill.Tests.GreenList;

/// <summary>The chunked, specialized scoring loops against a plain per-token reference.</summary>
public class ScoreEquivalenceTests
{
    private static (GreenListCounts Counts, TokenScore[] Scores, (ulong, int, bool)[] Set) Reference(KgwScheme scheme, int[][] parts, bool dedup)
    {
        var seen = dedup ? new SeedTokenSet() : null;
        var counts = default(GreenListCounts);
        var scores = new System.Collections.Generic.List<TokenScore>();
        var window = default(HashWindow);
        int width = Math.Max(scheme.PrefixLength, 1);
        foreach (var tokens in parts)
        {
            if (tokens is null) { window.Reset(); continue; }
            counts.Tokens += tokens.Length;
            foreach (int token in tokens)
            {
                ulong hash = scheme.Prf.TokenHash(token);
                TokenScore score;
                if (!window.IsFull(scheme.PrefixLength)) { counts.SkippedPrefix++; score = TokenScore.Prefix; }
                else
                {
                    bool green = scheme.IsGreen(ref window, token, hash, out ulong seed);
                    if (seen is not null && !seen.TryAdd(seed, token, green)) { counts.SkippedRepeated++; score = TokenScore.Repeated; }
                    else { counts.Scored++; if (green) counts.Green++; score = green ? TokenScore.Green : TokenScore.Red; }
                }
                scores.Add(score);
                window.Push(hash, width);
            }
        }
        return (counts, scores.ToArray(), seen?.ToSortedArray() ?? []);
    }

    [Fact]
    public void Chunked_scoring_matches_the_per_token_loop()
    {
        var rng = new Random(12345);
        var key = TestData.FixedKey;
        var optionsList = new[]
        {
            KgwOptions.Default, KgwOptions.LeftHash,
            KgwOptions.Default with { ContextWidth = 2 }, KgwOptions.Default with { ContextWidth = 3 }, KgwOptions.Default with { ContextWidth = 5 }, KgwOptions.Default with { ContextWidth = 16 },
            KgwOptions.LeftHash with { ContextWidth = 2 }, KgwOptions.LeftHash with { ContextWidth = 3 }, KgwOptions.LeftHash with { ContextWidth = 16 },
            KgwOptions.Default with { Gamma = 0.5 },
        };
        for (int iter = 0; iter < 400; iter++)
        {
            var opts = optionsList[iter % optionsList.Length];
            int vocab = rng.Next(2) == 0 ? rng.Next(2, 20) : 200_019;
            var scheme = KgwScheme.Create(key, opts, vocab);
            int nparts = rng.Next(1, 6);
            var parts = new int[nparts][];
            for (int p = 0; p < nparts; p++)
            {
                if (p > 0 && rng.Next(5) == 0) { parts[p] = null!; continue; }
                int len = rng.Next(4) switch { 0 => rng.Next(0, 5), 1 => rng.Next(0, 40), 2 => rng.Next(500, 1100), _ => rng.Next(0, 3000) };
                parts[p] = Enumerable.Range(0, len).Select(_ => rng.Next(vocab)).ToArray();
            }
            foreach (bool dedup in new[] { false, true })
            {
                var (rc, rs, rset) = Reference(scheme, parts, dedup);
                // accumulator path
                var acc = scheme.CreateAccumulator(new DetectionOptions { Deduplicate = dedup });
                foreach (var part in parts) { if (part is null) acc.EndDocument(); else if (part.Length == 1) acc.Append(part[0]); else acc.Append(part); }
                var r = acc.GetResult();
                Assert.Equal(rc.Scored, r.ScoredTokens);
                Assert.Equal(rc.Green, r.GreenTokens);
                using var ms1 = new MemoryStream(); acc.WriteTo(ms1);
                // serialized state equals reference set
                var refAcc = scheme.CreateAccumulator(new DetectionOptions { Deduplicate = dedup });
                // direct internal comparison via Score
                var seen = dedup ? new SeedTokenSet(3) : null;
                var counts = default(GreenListCounts);
                var window = default(HashWindow);
                var scores = new System.Collections.Generic.List<TokenScore>();
                foreach (var part in parts)
                {
                    if (part is null) { window.Reset(); continue; }
                    var dest = new TokenScore[part.Length];
                    // split part further at random points
                    int pos = 0;
                    while (pos < part.Length)
                    {
                        int take = Math.Min(part.Length - pos, rng.Next(3) == 0 ? rng.Next(1, 4) : rng.Next(1, 2000));
                        scheme.Score(part.AsSpan(pos, take), ref window, seen, ref counts, dest.AsSpan(pos, take));
                        pos += take;
                    }
                    scores.AddRange(dest);
                }
                Assert.Equal(rc, counts);
                Assert.Equal(rs, scores.ToArray());
                Assert.Equal(rset, seen?.ToSortedArray() ?? []);
                if (parts.Length == 1 && parts[0] is not null)
                {
                    var d = new TokenScore[parts[0].Length];
                    var res = scheme.ScoreTokens(parts[0], d, new DetectionOptions { Deduplicate = dedup });
                    Assert.Equal(rs, d);
                    var res2 = scheme.Detect(parts[0], new DetectionOptions { Deduplicate = dedup });
                    Assert.Equal(rc.Scored, res2.ScoredTokens);
                    Assert.Equal(rc.Green, res2.GreenTokens);
                    Assert.Equal(res.PValue, res2.PValue);
                }
            }
        }
    }
}
