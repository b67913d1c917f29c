using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Distill.Detection;
using Distill.Interop;
using Distill.Statistics;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>
/// A corpus of 1,000 short responses of the built-in model through hf-synthid sessions under the
/// reference's 30 keys, detected through one accumulator: far more lookups than the table has entries.
/// </summary>
/// <remarks>
/// To keep 40,000 processor steps affordable, the model is restricted to its 8,192 most frequent tokens
/// (relabeled 0 .. 8,191 by rank, the scheme's vocabulary; the distribution renormalized over them by
/// the softmax): the same processor at a twenty-fifth of the cost of 200,019 logits per step. Detection
/// reads the relabeled ids. The unwatermarked side is the same corpus under 30 other keys.
/// </remarks>
[Collection(SharedModel.Name)]
public sealed class InteropSynthIdCorpusTests(ModelFixture fixture, ITestOutputHelper output)
{
    private const int Responses = 1_000;
    private const int ResponseTokens = 40;
    private const int Vocabulary = 8_192;

    private static readonly ulong[] s_keys = [654, 400, 836, 123, 340, 443, 597, 160, 57, 29, 590, 639, 13, 715, 468, 990, 966, 226, 324, 585, 118, 504, 421, 521, 129, 669, 732, 225, 90, 960];

    [Fact]
    public void A_thousand_watermarked_responses_are_detected_through_one_accumulator()
    {
        KneserNeyModel model = fixture.Model;
        float[] unigram = new float[model.VocabularySize];
        model.GetLogProbabilities([], unigram);
        int[] seen = [.. Enumerable.Range(0, model.VocabularySize).OrderByDescending(i => unigram[i]).ThenBy(i => i).Take(Vocabulary)];
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(s_keys), null, Vocabulary);
        var other = HfSynthIdScheme.Create(WatermarkKey.FromIntegers([.. s_keys.Select(k => k + 1_000)]), null, Vocabulary);
        int[][] prompts = [.. BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 8, 16).Take(Responses).Select(p => p.Tokens.ToArray())];
        Assert.Equal(Responses, prompts.Length);

        var marked = new int[Responses][];
        Parallel.For(
            0,
            Responses,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new SeenIdGenerator(model, seen, scheme),
            (i, _, generator) =>
            {
                marked[i] = generator.Generate(prompts[i], (ulong)i);
                return generator;
            },
            _ => { });

        WatermarkAccumulator markedCorpus = Accumulate(scheme, marked), otherCorpus = Accumulate(other, marked);
        DetectionResult mean = markedCorpus.GetResult(), weighted = scheme.GetWeightedResult(markedCorpus);
        DetectionResult otherMean = otherCorpus.GetResult(), otherWeighted = other.GetWeightedResult(otherCorpus);
        double old = DistinctIndexLog10P(scheme, marked, out long lookups, out int distinct);
        output.WriteLine($"watermarked corpus: {mean}; weighted {weighted}");
        output.WriteLine($"the same corpus under other keys: {otherMean}; weighted {otherWeighted}");
        output.WriteLine($"the distinct-index binomial of earlier releases on the watermarked corpus: {distinct} distinct indices of {lookups} lookups, log10 p = {old:F2}");

        Assert.True(mean.Log10PValue < -6, $"{mean}");
        Assert.True(weighted.Log10PValue < -6, $"{weighted}");
        Assert.True(otherMean.Log10PValue > -3 && otherWeighted.Log10PValue > -3, $"{otherMean} / {otherWeighted}");

        // Why the old test could not see it: the lookups cover the table, so the distinct indices read
        // are (nearly) the whole table, and their ones are the table's ones whatever the text.
        Assert.True(distinct > scheme.Options.TableSize * 98 / 100, $"{distinct} distinct indices");
        Assert.True(old > -6, $"old log10 p {old}");
    }

    private static WatermarkAccumulator Accumulate(HfSynthIdScheme scheme, int[][] responses)
    {
        WatermarkAccumulator accumulator = scheme.CreateAccumulator();
        foreach (int[] response in responses)
        {
            accumulator.Append(response);
            accumulator.EndDocument();
        }

        return accumulator;
    }

    /// <summary>The earlier releases' figure: P[Binomial(distinct indices, 1/2) &gt;= ones] over the distinct table indices of every unmasked lookup.</summary>
    private static double DistinctIndexLog10P(HfSynthIdScheme scheme, int[][] responses, out long lookups, out int distinct)
    {
        var indices = new HashSet<int>();
        lookups = 0;
        long ones = 0;
        foreach (int[] response in responses)
        {
            HfSynthIdReferenceScores r = scheme.ScoreReference(response);
            for (int i = 0; i < r.NgramCount; i++)
            {
                if (!(r.ContextRepetitionMask[i] && r.EosMask[i]))
                {
                    continue;
                }

                ulong ngram = HfSynthIdScheme.NgramHash(HfSynthIdScheme.ContextHash(response.AsSpan(i, 4)), response[i + 4]);
                for (int d = 0; d < scheme.Depth; d++)
                {
                    lookups++;
                    if (indices.Add(scheme.TableIndex(ngram, d)))
                    {
                        ones += r.GValue(i, d);
                    }
                }
            }
        }

        distinct = indices.Count;
        return Binomial.Log10UpperTail(ones, distinct, 0.5);
    }

    /// <summary>Samples the restricted model at temperature 1 through an hf-synthid session; one per thread.</summary>
    private sealed class SeenIdGenerator(KneserNeyModel model, int[] seen, HfSynthIdScheme scheme)
    {
        private readonly float[] _full = new float[model.VocabularySize];
        private readonly float[] _logits = new float[seen.Length];
        private readonly WatermarkSession _session = scheme.CreateSession([]);

        public int[] Generate(int[] prompt, ulong seed)
        {
            _session.Reset([]);
            var random = new Random((int)seed);
            var context = new List<int>(prompt);
            var output = new int[ResponseTokens];
            for (int step = 0; step < ResponseTokens; step++)
            {
                int width = Math.Min(context.Count, model.Order - 1);
                model.GetLogProbabilities(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(context)[^width..], _full);
                for (int j = 0; j < seen.Length; j++)
                {
                    _logits[j] = _full[seen[j]];
                }

                _session.ProcessLogits(_logits);
                int chosen = Sample(random.NextDouble());
                _session.Accept(chosen);

                output[step] = chosen;
                context.Add(seen[chosen]);
            }

            return output;
        }

        private int Sample(double uniform)
        {
            float max = _logits.Max();
            double total = 0;
            foreach (float x in _logits)
            {
                total += Math.Exp(x - max);
            }

            double target = uniform * total, cumulative = 0;
            for (int j = 0; j < _logits.Length; j++)
            {
                cumulative += Math.Exp(_logits[j] - max);
                if (cumulative > target)
                {
                    return j;
                }
            }

            return Array.FindLastIndex(_logits, x => x > float.NegativeInfinity);
        }
    }
}
