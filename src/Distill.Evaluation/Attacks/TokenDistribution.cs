using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Attacks;

/// <summary>
/// The distribution that random tokens (substitutions and insertions) are drawn from: uniform over a
/// set of ids, or proportional to weights per id.
/// </summary>
/// <remarks>
/// A realistic choice is the ids seen in the language model's training text
/// (<see cref="SeenBy(KneserNeyModel)"/>), or their frequencies (<see cref="FromCounts"/>): a random
/// token from the whole 200k vocabulary is mostly rare byte fragments no editor would write.
/// Instances are immutable and thread-safe.
/// </remarks>
public sealed class TokenDistribution
{
    private readonly int[] _tokens;

    // Cumulative weights, parallel to _tokens; null when uniform.
    private readonly double[]? _cumulative;

    private TokenDistribution(int[] tokens, double[]? cumulative)
    {
        _tokens = tokens;
        _cumulative = cumulative;
    }

    /// <summary>Gets the number of ids with positive probability.</summary>
    public int Count => _tokens.Length;

    /// <summary>Gets the ids with positive probability, ascending.</summary>
    public ReadOnlyMemory<int> Tokens => _tokens;

    /// <summary>Creates the uniform distribution over a set of ids (duplicates count once).</summary>
    /// <param name="tokens">The ids.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> is empty.</exception>
    public static TokenDistribution Uniform(IEnumerable<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int[] distinct = tokens.Distinct().Order().ToArray();
        if (distinct.Length == 0)
        {
            throw new ArgumentException("The distribution needs at least one token.", nameof(tokens));
        }

        if (distinct[0] < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), distinct[0], "Token ids cannot be negative.");
        }

        return new TokenDistribution(distinct, null);
    }

    /// <summary>Creates the uniform distribution over the ids a model saw in training (<see cref="KneserNeyModel.IsSeen"/>).</summary>
    /// <param name="model">The model.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public static TokenDistribution SeenBy(KneserNeyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Uniform(Enumerable.Range(0, model.VocabularySize).Where(model.IsSeen));
    }

    /// <summary>Creates a distribution proportional to per-id weights.</summary>
    /// <param name="weights">The weight of each id (index = id); finite and not negative, with a positive sum.</param>
    /// <returns>The distribution over the ids with positive weight.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative, infinite or NaN.</exception>
    /// <exception cref="ArgumentException">No weight is positive.</exception>
    public static TokenDistribution FromWeights(ReadOnlySpan<double> weights)
    {
        var tokens = new List<int>();
        var cumulative = new List<double>();
        double total = 0;
        for (int id = 0; id < weights.Length; id++)
        {
            double w = weights[id];
            if (!(w >= 0 && double.IsFinite(w)))
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w, $"The weight of id {id} must be finite and not negative.");
            }

            if (w > 0)
            {
                total += w;
                tokens.Add(id);
                cumulative.Add(total);
            }
        }

        if (tokens.Count == 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        return new TokenDistribution([.. tokens], [.. cumulative]);
    }

    /// <summary>Creates the unigram distribution of a corpus: each id in proportion to its count.</summary>
    /// <param name="documents">The token ids of the documents (for example <see cref="BrownCorpus.EncodeTrainingDocuments"/>).</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="documents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    /// <exception cref="ArgumentException">The documents hold no token.</exception>
    public static TokenDistribution FromCounts(IEnumerable<ReadOnlyMemory<int>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var counts = new Dictionary<int, long>();
        foreach (ReadOnlyMemory<int> document in documents)
        {
            foreach (int token in document.Span)
            {
                if (token < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(documents), token, "Token ids cannot be negative.");
                }

                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }

        if (counts.Count == 0)
        {
            throw new ArgumentException("The documents hold no token.", nameof(documents));
        }

        int[] tokens = [.. counts.Keys.Order()];
        var cumulative = new double[tokens.Length];
        double total = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            total += counts[tokens[i]];
            cumulative[i] = total;
        }

        return new TokenDistribution(tokens, cumulative);
    }

    /// <summary>Draws one id.</summary>
    internal int Sample(ref Xoshiro256StarStar random)
    {
        if (_cumulative is null)
        {
            return _tokens[AttackRandom.NextInt(ref random, _tokens.Length)];
        }

        double target = random.NextDouble() * _cumulative[^1];
        int index = Array.BinarySearch(_cumulative, target);

        // The first cumulative weight strictly above the target.
        index = index >= 0 ? index + 1 : ~index;
        return _tokens[Math.Min(index, _tokens.Length - 1)];
    }

    /// <summary>Draws an id different from <paramref name="original"/> when the distribution has another (a bounded number of tries).</summary>
    internal int SampleOther(ref Xoshiro256StarStar random, int original)
    {
        int drawn = Sample(ref random);
        for (int attempt = 0; drawn == original && attempt < MaxRedraws && _tokens.Length > 1; attempt++)
        {
            drawn = Sample(ref random);
        }

        return drawn;
    }

    private const int MaxRedraws = 64;
}
