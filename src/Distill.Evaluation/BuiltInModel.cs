using System;
using System.Threading;
using Distill.Tokenizers;

namespace Distill.Evaluation;

/// <summary>
/// The language model that the CLI demo, the tests and the benchmarks share: an order-3
/// <see cref="KneserNeyModel"/> over <c>o200k_base</c>, trained on the 300 training documents of
/// the <see cref="BrownCorpus"/> on first use.
/// </summary>
/// <remarks>
/// Training takes a few seconds (most of it tokenization) and happens once per process; concurrent
/// first callers wait for the same training. All members are thread-safe.
/// </remarks>
public static class BuiltInModel
{
    /// <summary>The model's order.</summary>
    public const int Order = 3;

    /// <summary>The name of the model's tokenizer.</summary>
    public const string TokenizerName = TextTokenizer.O200kBase;

    private static readonly Lazy<KneserNeyModel> s_model = new(
        () => KneserNeyModel.Train(BrownCorpus.EncodeTrainingDocuments(Tokenizer), Tokenizer.VocabularySize, Order),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the model's tokenizer, <c>o200k_base</c>.</summary>
    public static TextTokenizer Tokenizer => TextTokenizer.Create(TokenizerName);

    /// <summary>Gets the model, training it on first use.</summary>
    public static KneserNeyModel Model => s_model.Value;
}
