using System;
using System.Collections.Generic;
using Distill.Tokenizers;

namespace Distill.Evaluation.Tests;

/// <summary>Trains the built-in model and tokenizes the held-out documents once per test run.</summary>
public sealed class ModelFixture
{
    public ModelFixture()
    {
        Tokenizer = BuiltInModel.Tokenizer;
        Model = BuiltInModel.Model;
        Training = BrownCorpus.EncodeTrainingDocuments(Tokenizer);
        HeldOut = BrownCorpus.EncodeHeldOutDocuments(Tokenizer);
    }

    public TextTokenizer Tokenizer { get; }

    public KneserNeyModel Model { get; }

    public IReadOnlyList<ReadOnlyMemory<int>> Training { get; }

    public IReadOnlyList<TokenizedText> HeldOut { get; }
}
