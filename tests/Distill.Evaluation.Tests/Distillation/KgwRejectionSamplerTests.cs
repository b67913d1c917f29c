using System;
using System.Linq;
using Distill.Evaluation.Distillation;
using Distill.GreenList;

namespace Distill.Evaluation.Tests.Distillation;

[Collection(SharedModel.Name)]
public sealed class KgwRejectionSamplerTests
{
    private const int Draws = 20_000;
    private readonly ModelFixture _fixture;

    public KgwRejectionSamplerTests(ModelFixture fixture) => _fixture = fixture;

    private KgwScheme Scheme(int index) => (KgwScheme)DistillationExperiment.KgwLeftHash2.Create(
        Evaluation.Runner.EvaluationRunner.Key(9, "rejection-test", index), _fixture.Model.VocabularySize, _fixture.Tokenizer.Name);

    [Fact]
    public void Rejection_gives_the_distribution_of_ProcessLogits_and_softmax()
    {
        KneserNeyModel model = _fixture.Model;
        KgwScheme scheme = Scheme(0);
        int[] text = _fixture.HeldOut[5].Ids.ToArray();
        float[] logits = new float[model.VocabularySize];
        float[] plain = new float[model.VocabularySize];
        double acceptance = KgwRejectionSampler.RedAcceptance(scheme);
        var random = new Xoshiro256StarStar(23);
        foreach (int at in new[] { 40, 61, 150, 333 })
        {
            int[] context = text[(at - 32)..at];
            model.GetLogProbabilities(context, logits);
            logits.CopyTo(plain, 0);
            scheme.CreateSession(context).ProcessLogits(logits);

            // The session adds delta exactly to the tokens IsGreen calls green.
            for (int w = 0; w < logits.Length; w += 97)
            {
                if (float.IsFinite(plain[w]))
                {
                    Assert.Equal(scheme.IsGreen(context, w) ? plain[w] + (float)scheme.Options.Delta : plain[w], logits[w]);
                }
            }

            double[] expected = ChiSquare.Exp(logits);
            int[] draws = [.. Enumerable.Range(0, Draws).Select(_ => KgwRejectionSampler.Next(model, scheme, context, acceptance, ref random))];
            double log10P = ChiSquare.Log10PValue(ChiSquare.Count(draws), expected, Draws);
            Assert.True(log10P > -4, $"position {at}: log10 p = {log10P}");

            // The same draws do not fit the unwatermarked distribution: the check has power.
            Assert.True(ChiSquare.Log10PValue(ChiSquare.Count(draws), ChiSquare.Exp(plain), Draws) < -10);
        }
    }

    [Fact]
    public void Generated_text_is_watermarked_and_reproducible()
    {
        KgwScheme scheme = Scheme(1);
        int[] prompt = _fixture.HeldOut[6].Ids.ToArray()[..32];
        int[] first = new int[300];
        int[] again = new int[300];
        KgwRejectionSampler.Generate(_fixture.Model, scheme, prompt, first, 4);
        KgwRejectionSampler.Generate(_fixture.Model, scheme, prompt, again, 4);

        Assert.Equal(first, again);
        Assert.True(scheme.Detect([.. prompt[^2..], .. first]).Log10PValue < -6);
        Assert.Throws<ArgumentException>(() => KgwRejectionSampler.Generate(_fixture.Model, (KgwScheme)Evaluation.Runner.EvaluationSchemes.All[0].Create(Evaluation.Runner.EvaluationRunner.Key(9, "x", 0), _fixture.Model.VocabularySize, _fixture.Tokenizer.Name), prompt, first, 4));
    }
}
