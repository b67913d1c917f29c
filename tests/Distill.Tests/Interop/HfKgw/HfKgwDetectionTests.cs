using System;
using System.Linq;
using System.Text.Json;
using Distill.Interop;

namespace Distill.Tests.Interop;

/// <summary>transformers' KGW detector figures on the 12 shared sequences (generated only and full with BOS; its own counting and true tuple dedup).</summary>
public sealed class HfKgwDetectionTests
{
    [Fact]
    public void Counts_z_scores_and_verdicts_match_the_reference()
    {
        JsonElement root = TestData.Json("interop/kgw_sequences.json").RootElement;
        int prompt = root.GetProperty("prompt").GetArrayLength();
        int bos = root.GetProperty("bos_token_id").GetInt32();
        int vocabulary = root.GetProperty("vocab_size").GetInt32();
        var leftHash = new HfKgwSeeding(15485863, selfHash: false);
        var selfHash = new HfKgwSeeding(15485863, selfHash: true);
        int checkedCount = 0;
        foreach (JsonElement s in root.GetProperty("sequences").EnumerateArray())
        {
            JsonElement config = s.GetProperty("watermarking_config");
            Assert.Equal(15485863UL, config.GetProperty("hashing_key").GetUInt64());
            bool self = config.GetProperty("seeding_scheme").GetString() == "selfhash";
            var detector = new HfKgwDetection(self ? selfHash : leftHash, vocabulary, config.GetProperty("greenlist_ratio").GetDouble(), self, config.GetProperty("context_width").GetInt32());
            int[] sequence = [.. s.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32())];
            foreach (JsonProperty case_ in s.GetProperty("detection").EnumerateObject())
            {
                string[] parts = case_.Name.Split('|');
                bool full = parts[0] == "full_sequence_with_bos_prompt";
                bool dedup = parts[1] == "ignore_repeated_ngrams=True" && parts[2] == "intended_tuple_keys";
                ReadOnlySpan<int> input = full ? sequence : sequence.AsSpan(prompt);
                var result = detector.Detect(input, full ? bos : null, dedup);
                JsonElement e = case_.Value;
                Assert.Equal((int)e.GetProperty("num_tokens_scored").GetDouble(), result.Scored);
                Assert.Equal((int)e.GetProperty("num_green_tokens").GetDouble(), result.Green);
                Assert.True(Math.Abs(e.GetProperty("z_score").GetDouble() - result.ZScore) < 1e-9, $"{case_.Name}: z {result.ZScore}");
                Assert.Equal(e.GetProperty("prediction").GetBoolean(), result.Watermarked);
                Assert.True(result.Log10PValue <= 0);
                checkedCount++;
            }

            // Distill's exact p-value beside the reference's z: strong where z is, never small on unwatermarked text.
            var exact = detector.Detect(sequence.AsSpan(prompt), null, deduplicate: true);
            Assert.True(s.GetProperty("watermarked").GetBoolean() ? (exact.ZScore > 3) == (exact.Log10PValue < -3) : exact.Log10PValue > -3, $"z {exact.ZScore}, log10 p {exact.Log10PValue}");
        }

        Assert.Equal(96, checkedCount);
    }
}
