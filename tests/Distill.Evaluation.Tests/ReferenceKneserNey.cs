using System;
using System.Collections.Generic;
using System.Linq;

namespace Distill.Evaluation.Tests;

/// <summary>
/// A slow, literal implementation of interpolated modified Kneser-Ney written straight from Chen and
/// Goodman (1998), with n-grams as strings and every sum recomputed; the fast model must agree with it.
/// </summary>
internal sealed class ReferenceKneserNey
{
    private const int Start = -1;
    private readonly int _order;
    private readonly int _vocabularySize;

    // counts[k - 1]: k-gram ("a b c") -> raw count (k == order) or continuation count (k < order).
    private readonly Dictionary<string, int>[] _counts;
    private readonly (double D1, double D2, double D3)[] _discounts;
    private readonly HashSet<int> _seen = [];

    public ReferenceKneserNey(IEnumerable<int[]> documents, int vocabularySize, int order)
    {
        _order = order;
        _vocabularySize = vocabularySize;
        _counts = new Dictionary<string, int>[order];
        for (int k = 0; k < order; k++)
        {
            _counts[k] = [];
        }

        foreach (int[] document in documents)
        {
            int[] padded = Enumerable.Repeat(Start, order - 1).Concat(document).ToArray();
            for (int i = order - 1; i < padded.Length; i++)
            {
                string key = Join(padded[(i - order + 1)..(i + 1)]);
                _counts[order - 1][key] = _counts[order - 1].GetValueOrDefault(key) + 1;
                _seen.Add(padded[i]);
            }
        }

        for (int k = order - 1; k >= 1; k--)
        {
            var distinctLeft = new Dictionary<string, HashSet<string>>();
            foreach (string longer in _counts[k].Keys)
            {
                string[] parts = longer.Split(' ');
                string suffix = string.Join(' ', parts[1..]);
                if (!distinctLeft.TryGetValue(suffix, out HashSet<string>? lefts))
                {
                    distinctLeft[suffix] = lefts = [];
                }

                lefts.Add(parts[0]);
            }

            foreach ((string suffix, HashSet<string> lefts) in distinctLeft)
            {
                _counts[k - 1][suffix] = lefts.Count;
            }
        }

        _discounts = _counts.Select(level =>
        {
            double n1 = level.Values.Count(c => c == 1);
            double n2 = level.Values.Count(c => c == 2);
            double n3 = level.Values.Count(c => c == 3);
            double n4 = level.Values.Count(c => c == 4);
            double y = n1 / (n1 + (2 * n2));
            return (Valid(1 - (2 * y * n2 / n1), 1), Valid(2 - (3 * y * n3 / n2), 2), Valid(3 - (4 * y * n4 / n3), 3));
        }).ToArray();
    }

    public double Probability(IReadOnlyList<int> context, int token)
    {
        int[] padded = Enumerable.Repeat(Start, _order - 1).Concat(context).ToArray();
        int[] history = padded[^(_order - 1)..];
        return Probability(history, token, _order);
    }

    private double Probability(int[] history, int token, int k)
    {
        // history holds k - 1 tokens.
        double lower = k == 1
            ? (_seen.Contains(token) ? 1.0 / _seen.Count : 0)
            : Probability(history[1..], token, k - 1);
        Dictionary<string, int> level = _counts[k - 1];
        string prefix = history.Length == 0 ? string.Empty : Join(history) + " ";
        double total = 0;
        double backOff = 0;
        (double d1, double d2, double d3) = _discounts[k - 1];
        for (int w = 0; w < _vocabularySize; w++)
        {
            int c = level.GetValueOrDefault(prefix + w.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (c > 0)
            {
                total += c;
                backOff += c == 1 ? d1 : c == 2 ? d2 : d3;
            }
        }

        if (total == 0)
        {
            return lower;
        }

        int count = level.GetValueOrDefault(prefix + token.ToString(System.Globalization.CultureInfo.InvariantCulture));
        double discount = count == 1 ? d1 : count == 2 ? d2 : d3;
        return (Math.Max(count - discount, 0) / total) + (backOff / total * lower);
    }

    private static double Valid(double estimate, int k) => estimate > 0 && estimate < k ? estimate : k / 2.0;

    private static string Join(IEnumerable<int> tokens) =>
        string.Join(' ', tokens.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
