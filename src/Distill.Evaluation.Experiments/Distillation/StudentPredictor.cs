using System;
using Distill.Radioactivity;

namespace Distill.Evaluation.Distillation;

/// <summary>A student model's exact top-1 next token, for the open-model test.</summary>
internal sealed class StudentPredictor(KneserNeyModel model) : INextTokenPredictor
{
    public int PredictNextToken(ReadOnlySpan<int> context) => model.MostLikelyNextToken(context);
}
