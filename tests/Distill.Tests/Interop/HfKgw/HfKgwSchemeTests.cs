using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distill.Detection;
using Distill.GreenList;
using Distill.Interop;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Distill.Tests.Interop;

/// <summary>The public hf-kgw scheme against transformers' vectors, and its processor against the reference's formulas.</summary>
public sealed class HfKgwSchemeTests
{
    private const ulong ReferenceKey = 15485863;

    // The full fixed table of the reference key, drawn once (1,000,003 generator steps).
    private static readonly Lazy<HfKgwSeeding> s_fullSelfHash = new(() => new HfKgwSeeding(ReferenceKey, selfHash: true));

    private static string Sha(ReadOnlySpan<int> ids) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(",", ids.ToArray()))));

    private static int[] Ids(ulong[] bits, int vocabularySize) => Enumerable.Range(0, vocabularySize).Where(i => (bits[i >> 6] & (1UL << i)) != 0).ToArray();

    /// <summary>The reference's green list, independently: big-integer seed, full randperm(V), first (int)(V gamma) ids.</summary>
    private static int[] ReferenceGreenList(BigInteger rawSeed, int vocabularySize, double gamma)
    {
        var green = new int[HfKgwSeeding.GreenListSize(vocabularySize, gamma)];
        HfKgwSeeding.GreenList(HfKgwSeeding.GeneratorSeed(rawSeed), vocabularySize, new int[vocabularySize], green);
        return green;
    }

    [Fact]
    public void Every_reference_green_list_comes_out_of_the_scheme()
    {
        JsonElement root = TestData.Json("interop/kgw_greenlists.json").RootElement;
        int cases = 0;
        foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
        {
            int vocabulary = c.GetProperty("vocab_size").GetInt32();
            bool self = c.GetProperty("seeding_scheme").GetString() == "selfhash";
            int width = c.GetProperty("context_width").GetInt32();
            var options = new HfKgwOptions { Seeding = self ? KgwSeeding.SelfHash : KgwSeeding.LeftHash, ContextWidth = width, Gamma = c.GetProperty("greenlist_ratio").GetDouble() };
            HfKgwScheme scheme = HfKgwScheme.FromHashingKey(c.GetProperty("hashing_key").GetUInt64(), options, vocabulary);
            int[] tokens = [.. c.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32())];

            // LeftHash seeds the token after the context; SelfHash's window ends with the candidate.
            int[] sequence = self ? tokens : [.. tokens, 0];
            ulong seed = scheme.GeneratorSeedAt(sequence, sequence.Length - 1);
            Assert.Equal(c.GetProperty("seed_u64").GetUInt64(), seed);
            Assert.Equal(c.GetProperty("greenlist_size").GetInt32(), scheme.GreenListSize);

            int[] sorted = Ids(scheme.GreenLists.Get(seed), vocabulary);
            Assert.Equal(scheme.GreenListSize, sorted.Length);
            Assert.Equal(c.GetProperty("sha256_sorted").GetString(), Sha(sorted));

            // The prefix draw, in permutation order; the identity scratch comes back intact.
            var identity = Enumerable.Range(0, vocabulary).ToArray();
            var green = new int[scheme.GreenListSize];
            new TorchCpuGenerator(seed).RandPermPrefix(identity, green, new int[green.Length]);
            Assert.Equal(c.GetProperty("greenlist_first20").EnumerateArray().Select(e => e.GetInt32()), green.Take(20));
            Assert.Equal(c.GetProperty("sha256_perm_order").GetString(), Sha(green));
            Assert.True(identity.Select((v, i) => v == i).All(b => b));

            if (self)
            {
                var generator = new TorchCpuGenerator(seed);
                Assert.Equal(c.GetProperty("candidate_in_greenlist").GetBoolean(), generator.PermutationPrefixContains(vocabulary, scheme.GreenListSize, tokens[^1]));
            }

            cases++;
        }

        Assert.Equal(44, cases);
    }

    [Fact]
    public void The_drawn_table_prefix_is_the_reference_tables_prefix()
    {
        JsonElement table = TestData.Json("interop/kgw_greenlists.json").RootElement.GetProperty("fixed_table");
        HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, new HfKgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 }, 50257);
        Assert.Equal(50257, scheme.Seeding.Table.Length);
        Assert.Equal(table.GetProperty("first20").EnumerateArray().Select(e => e.GetInt32()), scheme.Seeding.Table[..20].ToArray());
        Assert.True(s_fullSelfHash.Value.Table[..50257].SequenceEqual(scheme.Seeding.Table));
    }

    [Fact]
    public void Every_reference_detection_is_reproduced_by_DetectReference()
    {
        JsonElement root = TestData.Json("interop/kgw_sequences.json").RootElement;
        int prompt = root.GetProperty("prompt").GetArrayLength();
        int bos = root.GetProperty("bos_token_id").GetInt32();
        int vocabulary = root.GetProperty("vocab_size").GetInt32();
        int checkedCount = 0;
        foreach (JsonElement s in root.GetProperty("sequences").EnumerateArray())
        {
            JsonElement config = s.GetProperty("watermarking_config");
            var options = new HfKgwOptions
            {
                Seeding = config.GetProperty("seeding_scheme").GetString() == "selfhash" ? KgwSeeding.SelfHash : KgwSeeding.LeftHash,
                ContextWidth = config.GetProperty("context_width").GetInt32(),
                Gamma = config.GetProperty("greenlist_ratio").GetDouble(),
                Bias = config.GetProperty("bias").GetDouble(),
            };
            HfKgwScheme scheme = HfKgwScheme.FromHashingKey(config.GetProperty("hashing_key").GetUInt64(), options, vocabulary);
            int[] sequence = [.. s.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32())];
            foreach (JsonProperty setting in s.GetProperty("detection").EnumerateObject())
            {
                string[] parts = setting.Name.Split('|');
                bool full = parts[0] == "full_sequence_with_bos_prompt";
                bool ignore = parts[1] == "ignore_repeated_ngrams=True";
                bool intended = parts[2] == "intended_tuple_keys";
                HfKgwReferenceResult r = scheme.DetectReference(full ? sequence : sequence.AsSpan(prompt), full ? bos : null, ignore);
                var (scored, green, z, watermarked) = intended ? (r.IntendedScoredNgrams, r.IntendedGreenCount, r.IntendedZScore, r.IntendedWatermarked) : (r.ScoredNgrams, r.GreenCount, r.ZScore, r.Watermarked);
                JsonElement e = setting.Value;
                string context = $"{setting.Name}, sequence {checkedCount / 8}";
                Assert.Equal((int)e.GetProperty("num_tokens_scored").GetDouble(), scored);
                Assert.Equal((int)e.GetProperty("num_green_tokens").GetDouble(), green);
                Assert.True(Math.Abs(e.GetProperty("z_score").GetDouble() - z) < 1e-9, $"{context}: z {z}");
                Assert.Equal(e.GetProperty("prediction").GetBoolean(), watermarked);
                if (!intended)
                {
                    Assert.True(Math.Abs(e.GetProperty("green_fraction").GetDouble() - r.GreenFraction) < 1e-12, context);
                    Assert.True(Math.Abs(e.GetProperty("p_value").GetDouble() - r.PValue) < 1e-12, $"{context}: p {r.PValue}");
                }

                checkedCount++;
            }

            // Distill's own p-value on the generated tokens: small exactly where the reference (deduplicated)
            // sees a watermark, never small on unwatermarked text.
            DetectionResult distill = scheme.Detect(sequence.AsSpan(prompt));
            HfKgwReferenceResult generated = scheme.DetectReference(sequence.AsSpan(prompt), null, ignoreRepeatedNgrams: true);
            Assert.True(s.GetProperty("watermarked").GetBoolean() ? generated.IntendedWatermarked == (distill.Log10PValue < -3) : distill.Log10PValue > -3, $"{distill}; reference z {generated.IntendedZScore}");
        }

        Assert.Equal(96, checkedCount);
    }

    [Fact]
    public void Detect_scores_from_the_references_first_position_and_counts_each_seed_token_pair_once()
    {
        JsonElement root = TestData.Json("interop/kgw_sequences.json").RootElement;
        JsonElement repetitive = root.GetProperty("sequences").EnumerateArray().Last();
        int[] sequence = [.. repetitive.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32())];
        foreach (var (seeding, width) in new[] { (KgwSeeding.LeftHash, 1), (KgwSeeding.LeftHash, 3), (KgwSeeding.SelfHash, 4), (KgwSeeding.SelfHash, 1) })
        {
            HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, new HfKgwOptions { Seeding = seeding, ContextWidth = width }, 32000);
            DetectionResult all = scheme.Detect(sequence, new DetectionOptions { Deduplicate = false });
            HfKgwReferenceResult reference = scheme.DetectReference(sequence, null, ignoreRepeatedNgrams: true);

            // Without deduplication Distill scores exactly the reference's n-grams.
            Assert.Equal(reference.ScoredNgrams, all.ScoredTokens);
            Assert.Equal(reference.GreenCount, all.GreenTokens);
            Assert.Equal(seeding == KgwSeeding.SelfHash ? width - 1 : width, all.SkippedPrefix);

            // With it, pairs are keyed by the generator's 32-bit seed: at most the distinct tuples.
            DetectionResult dedup = scheme.Detect(sequence);
            Assert.True(dedup.ScoredTokens <= reference.IntendedScoredNgrams, $"{seeding} {width}: {dedup.ScoredTokens} > {reference.IntendedScoredNgrams}");
            Assert.Equal(dedup.TokenCount, dedup.ScoredTokens + dedup.SkippedPrefix + dedup.SkippedRepeated);
            Assert.Equal(Distill.Statistics.Binomial.Log10UpperTail(dedup.GreenTokens, dedup.ScoredTokens, 8000.0 / 32000), dedup.Log10PValue, 12);
        }
    }

    [Fact]
    public void LeftHash_adds_the_bias_in_float32_exactly_on_the_references_green_list()
    {
        const int v = 5003;
        var random = new Random(17);
        foreach (int width in new[] { 1, 3 })
        {
            var options = new HfKgwOptions { ContextWidth = width, Bias = 1.7, Gamma = 0.3 };
            HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, options, v);
            int[] prompt = TestData.RandomTokens(random, width - 1, v);
            WatermarkSession session = scheme.CreateSession(prompt);

            // Too short a context: unchanged.
            float[] logits = RandomLogits(random, v);
            float[] before = (float[])logits.Clone();
            session.ProcessLogits(logits);
            Assert.Equal(before, logits);

            var context = prompt.ToList();
            for (int step = 0; step < 6; step++)
            {
                int token = random.Next(v);
                session.Accept(token);
                context.Add(token);
                logits = RandomLogits(random, v);
                before = (float[])logits.Clone();
                session.ProcessLogits(logits);
                var green = ReferenceGreenList((BigInteger)ReferenceKey * context[^1], v, 0.3).ToHashSet();
                for (int i = 0; i < v; i++)
                {
                    float expected = green.Contains(i) ? before[i] + (float)1.7 : before[i];
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(logits[i]));
                }
            }
        }
    }

    [Fact]
    public void SelfHash_adds_the_bias_only_to_green_candidates_among_the_top_40()
    {
        const int v = 3001;
        var random = new Random(23);
        HfKgwSeeding reference = s_fullSelfHash.Value;
        var options = new HfKgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 };
        HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, options, v);
        int[] prompt = TestData.RandomTokens(random, 3, v);
        // Three tokens of input, fewer than the width: unchanged.
        var tracked = (HfKgwSession)scheme.CreateSession(prompt);
        var cached = (HfKgwSession)scheme.CreateSession(prompt);
        cached.SelfHashUsesCache = true;
        float[] logits = RandomLogits(random, v);
        float[] copy = (float[])logits.Clone();
        tracked.ProcessLogits(logits);
        Assert.Equal(copy, logits);

        var context = prompt.ToList();
        int greenTotal = 0;
        for (int step = 0; step < 12; step++)
        {
            int token = random.Next(v);
            tracked.Accept(token);
            cached.Accept(token);
            context.Add(token);
            logits = RandomLogits(random, v);
            for (int i = 0; i < v; i += 97)
            {
                logits[i] = float.NegativeInfinity;
            }

            // Ties, broken toward the lower id.
            logits[11] = logits[12] = logits.Max();
            float[] before = (float[])logits.Clone();
            tracked.ProcessLogits(logits);
            cached.ProcessLogits(copy = (float[])before.Clone());
            Assert.Equal(logits, copy);

            var top = Enumerable.Range(0, v).Where(i => !float.IsNegativeInfinity(before[i])).OrderByDescending(i => before[i]).ThenBy(i => i).Take(40).ToHashSet();
            for (int i = 0; i < v; i++)
            {
                bool green = false;
                if (top.Contains(i))
                {
                    int[] window = [.. context.TakeLast(3), i];
                    green = ReferenceGreenList(reference.SelfHashRawSeed(window), v, 0.25).Contains(i);
                    greenTotal += green ? 1 : 0;
                }

                float expected = green ? before[i] + 2.0f : before[i];
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(logits[i]));
            }
        }

        Assert.InRange(greenTotal, 12 * 40 / 8, 12 * 40 / 2);
    }

    [Fact]
    public void Bad_input_throws_and_changes_nothing()
    {
        foreach (var options in new[] { HfKgwOptions.Default, new HfKgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 } })
        {
            HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, options, 1000);
            var random = new Random(5);
            WatermarkSession session = scheme.CreateSession([1, 2, 3, 4]);
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
            {
                float[] logits = RandomLogits(random, 1000);
                logits[500] = bad;
                float[] before = (float[])logits.Clone();
                Assert.ThrowsAny<ArgumentException>(() => session.ProcessLogits(logits));
                Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), logits.Select(BitConverter.SingleToInt32Bits));
            }

            Assert.ThrowsAny<ArgumentException>(() => session.ProcessLogits(new float[999]));
            Assert.Throws<ArgumentOutOfRangeException>(() => session.Accept(1000));
            Assert.Throws<ArgumentOutOfRangeException>(() => session.Reset([5, -1]));
            Assert.Equal(4, session.Position);
            Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Detect([1, 1000]));
            Assert.Throws<ArgumentOutOfRangeException>(() => scheme.DetectReference([1, -2], null, false));
        }
    }

    [Fact]
    public void Keys_must_be_one_integer_word_below_2_to_the_63()
    {
        Assert.Throws<ArgumentException>(() => HfKgwScheme.Create(TestData.FixedKey, null, 1000));
        Assert.Throws<ArgumentException>(() => HfKgwScheme.Create(WatermarkKey.FromIntegers([1UL, 2UL]), null, 1000));
        Assert.Throws<ArgumentException>(() => HfKgwScheme.FromHashingKey(1UL << 63, null, 1000));
        Assert.Throws<ArgumentException>(() => HfKgwScheme.FromHashingKey(1, new HfKgwOptions { Gamma = 0.01 }, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => HfKgwScheme.FromHashingKey(1, null, 1));
        HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, null, 1000);
        Assert.Equal(WatermarkKey.FromIntegers([ReferenceKey]).KeyId, scheme.Descriptor.KeyId);
        Assert.Equal("hf-kgw", scheme.Descriptor.Scheme);
        Assert.Equal(scheme.Descriptor.Hash, HfKgwScheme.FromDescriptor(scheme.Descriptor, WatermarkKey.FromIntegers([ReferenceKey])).Descriptor.Hash);
        Assert.Throws<ArgumentException>(() => HfKgwScheme.FromDescriptor(scheme.Descriptor, WatermarkKey.FromIntegers([ReferenceKey + 1])));
        Assert.IsType<HfKgwScheme>(new WatermarkProfile(scheme.Descriptor, WatermarkKey.FromIntegers([ReferenceKey])).CreateScheme());
    }

    [Property(MaxTest = 200, Replay = "(8675309,1235)")]
    public Property Fast_seeds_equal_the_big_integer_formulas(ulong key, int token, long raw)
    {
        key &= long.MaxValue;
        token &= int.MaxValue;
        bool left = HfKgwSeeding.LeftHashGeneratorSeed(key, token) == HfKgwSeeding.GeneratorSeed((BigInteger)key * token);
        bool signed = HfKgwSeeding.SignedGeneratorSeed(raw) == HfKgwSeeding.GeneratorSeed(raw);
        return (left && signed).Label($"key {key}, token {token}, raw {raw}");
    }

    [Property(MaxTest = 60, Replay = "(314159,2719)")]
    public Property Following_one_value_agrees_with_the_prefix_draw(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(1, 400);
        int g = random.Next(1, n + 1);
        ulong generatorSeed = (ulong)random.NextInt64();
        var full = new int[n];
        new TorchCpuGenerator(generatorSeed).RandPerm(full);
        var prefix = full.Take(g).ToHashSet();
        bool all = true;
        for (int value = 0; value < n; value++)
        {
            all &= new TorchCpuGenerator(generatorSeed).PermutationPrefixContains(n, g, value) == prefix.Contains(value);
        }

        ulong[] multipliers = TorchCpuGenerator.FastModMultipliers(n, g);
        for (int value = 0; value < n; value++)
        {
            all &= new TorchCpuGenerator(generatorSeed).PermutationPrefixContains(n, g, value, multipliers) == prefix.Contains(value);
        }

        var identity = Enumerable.Range(0, n).ToArray();
        var drawn = new int[g];
        new TorchCpuGenerator(generatorSeed).RandPermPrefix(identity, drawn, new int[g]);
        var fast = new int[g];
        new TorchCpuGenerator(generatorSeed).RandPermPrefix(identity, fast, new int[g], multipliers);
        return (all && drawn.SequenceEqual(full.Take(g)) && fast.SequenceEqual(drawn) && identity.SequenceEqual(Enumerable.Range(0, n))).Label($"n {n}, g {g}");
    }

    [Property(MaxTest = 300, Replay = "(161803,3989)")]
    public Property Fast_remainders_are_exact(uint x, int seed)
    {
        var random = new Random(seed);
        uint d = random.Next(3) switch { 0 => (uint)random.Next(1, 64), 1 => (uint)random.Next(1, 1 << 27), _ => (uint)random.NextInt64(1, uint.MaxValue) };
        ulong multiplier = unchecked((ulong.MaxValue / d) + 1);
        return (TorchCpuGenerator.FastMod(x, multiplier, d) == x % d && TorchCpuGenerator.FastMod(uint.MaxValue, multiplier, d) == uint.MaxValue % d).Label($"x {x}, d {d}");
    }

    [Fact]
    public void The_bounded_cache_evicts_and_stays_exact()
    {
        var lists = new HfKgwGreenLists(700, 175, capacity: 4);
        var fresh = new ulong[lists.Words];
        for (int round = 0; round < 3; round++)
        {
            for (ulong seed = 0; seed < 10; seed++)
            {
                ulong[] bits = lists.Get(seed * 0x1_0000_0001UL);
                lists.Draw(seed, fresh);
                Assert.Equal(fresh, bits);
                Assert.Equal(175, HfKgwGreenLists.PopCount(bits));
                Assert.True(lists.Count <= 4);
            }
        }

        // A hot seed read between misses survives (CLOCK's second chance).
        var clock = new HfKgwGreenLists(700, 175, capacity: 4);
        clock.Get(1);
        for (ulong seed = 100; seed < 120; seed++)
        {
            clock.Get(1);
            clock.Get(seed);
        }

        long draws = clock.Draws;
        clock.Get(1);
        Assert.Equal(draws, clock.Draws);
    }

    [Fact]
    public void Streaming_in_any_chunks_equals_detection_for_wide_contexts()
    {
        var random = new Random(31);
        foreach (var (seeding, width) in new[] { (KgwSeeding.SelfHash, 4), (KgwSeeding.SelfHash, 64), (KgwSeeding.LeftHash, 64) })
        {
            HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, new HfKgwOptions { Seeding = seeding, ContextWidth = width }, 500);
            int[] tokens = TestData.RandomTokens(random, 400, 500);
            var scores = new TokenScore[tokens.Length];
            DetectionResult once = scheme.ScoreTokens(tokens, scores);
            HfKgwAccumulator accumulator = (HfKgwAccumulator)scheme.CreateAccumulator();
            int at = 0;
            foreach (int chunk in new[] { 1, 3, 70, 2, 64, 65, 1, 100 })
            {
                accumulator.Append(tokens.AsSpan(at, chunk));
                at += chunk;
            }

            accumulator.Append(tokens.AsSpan(at));
            DetectionResult streamed = accumulator.GetResult();
            Assert.Equal(once.ScoredTokens, streamed.ScoredTokens);
            Assert.Equal(once.GreenTokens, streamed.GreenTokens);
            Assert.Equal(once.SkippedPrefix, streamed.SkippedPrefix);
            Assert.Equal(scores.Count(s => s == TokenScore.Prefix), (int)once.SkippedPrefix);

            using var buffer = new MemoryStream();
            accumulator.WriteTo(buffer);
            HfKgwAccumulator read = (HfKgwAccumulator)scheme.ReadAccumulator(new MemoryStream(buffer.ToArray()));
            Assert.Equal(streamed.Log10PValue, read.GetResult().Log10PValue);
        }
    }

    [Fact]
    public void A_stored_pair_with_the_wrong_green_bit_is_refused()
    {
        HfKgwScheme scheme = HfKgwScheme.FromHashingKey(ReferenceKey, null, 500);
        HfKgwAccumulator accumulator = (HfKgwAccumulator)scheme.CreateAccumulator();
        accumulator.Append(TestData.RandomTokens(new Random(3), 50, 500));
        using var buffer = new MemoryStream();
        accumulator.WriteTo(buffer);
        byte[] bytes = buffer.ToArray();

        // Flip the green byte of the first pair and fix the checksum: the framing is fine, the pair is not.
        int firstGreen = 8 + 16 + 1 + 40 + 4 + 8;
        bytes[firstGreen] ^= 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        Assert.Throws<InvalidDataException>(() => scheme.ReadAccumulator(new MemoryStream(bytes)));
    }

    private static float[] RandomLogits(Random random, int length)
    {
        var logits = new float[length];
        for (int i = 0; i < length; i++)
        {
            logits[i] = (float)((random.NextDouble() * 10.0) - 5.0);
        }

        return logits;
    }

    [Fact]
    public void A_LeftHash_session_with_a_full_cache_biases_the_same_lists_and_allocates_nothing()
    {
        const int v = 4_000;
        HfKgwScheme full = HfKgwScheme.FromHashingKey(15485863, HfKgwOptions.Default, v).WithCacheCapacity(16);
        HfKgwScheme roomy = HfKgwScheme.FromHashingKey(15485863, HfKgwOptions.Default, v);
        WatermarkSession a = full.CreateSession([1]), b = roomy.CreateSession([1]);
        var random = new Random(8);
        var logits = new float[v];
        var x = new float[v];
        var y = new float[v];
        long allocated = 0;
        for (int step = 0; step < 200; step++)
        {
            for (int t = 0; t < v; t++)
            {
                logits[t] = (float)random.NextDouble();
            }

            logits.CopyTo(x, 0);
            logits.CopyTo(y, 0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            a.ProcessLogits(x);
            allocated += step >= 32 ? GC.GetAllocatedBytesForCurrentThread() - before : 0;
            b.ProcessLogits(y);
            Assert.Equal(y, x);
            int token = random.Next(v);
            a.Accept(token);
            b.Accept(token);
        }

        Assert.Equal(16, full.GreenLists.Count);
        Assert.Equal(0, allocated);
    }
}
