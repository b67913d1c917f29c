using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Distill.Tokenizers;

namespace Distill.Evaluation.Runner;

/// <summary>
/// The judge of text quality in the entropy sweep: an order-5 interpolated Kneser-Ney model over
/// <c>o200k_base</c> trained on the held-out Brown documents whose corpus index is a multiple of 5
/// (100 documents), none of which the generator (<see cref="BuiltInModel"/>, trained on the indices
/// that are 1, 2 or 4 modulo 5) saw. The sweep's prompts come from the other held-out documents
/// (index 3 modulo 5), so neither model saw the prompts.
/// </summary>
internal static class IndependentModel
{
    /// <summary>The judge's order.</summary>
    public const int Order = 5;

    private static readonly Lazy<KneserNeyModel> s_model = new(
        () =>
        {
            TextTokenizer tokenizer = BuiltInModel.Tokenizer;
            ReadOnlyMemory<int>[] documents = [.. BrownCorpus.HeldOutDocuments.Where(d => IsTrainingIndex(d.Index)).Select(d => (ReadOnlyMemory<int>)tokenizer.EncodeToIds(d.Text))];
            return KneserNeyModel.Train(documents, tokenizer.VocabularySize, Order);
        },
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the model, training it on first use (a few seconds).</summary>
    public static KneserNeyModel Model => s_model.Value;

    /// <summary>Returns whether the judge trains on the Brown document at a corpus index.</summary>
    public static bool IsTrainingIndex(int index) => index % 5 == 0;

    /// <summary>Returns whether the sweep draws prompts from the Brown document at a corpus index.</summary>
    public static bool IsPromptIndex(int index) => index % 5 == 3;

    /// <summary>The sweep's prompts: the first <paramref name="promptTokens"/> tokens of each 400-token passage of the prompt documents.</summary>
    public static IReadOnlyList<CorpusPassage> Prompts(int promptTokens) =>
        [.. BrownCorpus.HeldOutPrompts(BuiltInModel.Tokenizer, promptTokens, 400).Where(p => IsPromptIndex(p.Document.Index))];

    /// <summary>
    /// Scores the continuation (not the prompt) under <paramref name="model"/>, each token given the
    /// tokens before it, prompt included. Tokens the model gives probability zero are counted apart.
    /// </summary>
    public static (double LogProbabilitySum, int Scored, int Zero) Score(KneserNeyModel model, ReadOnlySpan<int> prompt, ReadOnlySpan<int> continuation)
    {
        int width = model.Order - 1;
        int[] all = [.. prompt, .. continuation];
        double sum = 0;
        int scored = 0, zero = 0;
        for (int i = prompt.Length; i < all.Length; i++)
        {
            double lp = model.LogProbability(all.AsSpan(Math.Max(0, i - width), Math.Min(i, width)), all[i]);
            if (double.IsNegativeInfinity(lp))
            {
                zero++;
            }
            else
            {
                sum += lp;
                scored++;
            }
        }

        return (sum, scored, zero);
    }
}
