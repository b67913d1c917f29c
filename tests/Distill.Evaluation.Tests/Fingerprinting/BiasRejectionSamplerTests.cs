using System;
using System.Linq;
using System.Numerics.Tensors;
using Distill.Evaluation.Fingerprinting;
using Distill.Evaluation.Tests.Distillation;
using Distill.Fingerprinting;

namespace Distill.Evaluation.Tests.Fingerprinting;

[Collection(SharedModel.Name)]
public sealed class BiasRejectionSamplerTests
{
    private const int Draws = 20_000;
    private readonly ModelFixture _fixture;

    public BiasRejectionSamplerTests(ModelFixture fixture) => _fixture = fixture;

    private FingerprintScheme Scheme() => FingerprintScheme.Create(
        Evaluation.Runner.EvaluationRunner.Key(9, "fingerprint-rejection-test", 0), null, null, _fixture.Model.VocabularySize, _fixture.Tokenizer.Name);

    [Fact]
    public void Rejection_gives_the_distribution_of_the_tenant_session_and_softmax()
    {
        KneserNeyModel model = _fixture.Model;
        FingerprintScheme scheme = Scheme();
        TenantId tenant = FingerprintExperiment.Tenant(17);
        int[] text = _fixture.HeldOut[7].Ids.ToArray();
        float[] logits = new float[model.VocabularySize];
        float[] plain = new float[model.VocabularySize];
        float[] bias = new float[model.VocabularySize];
        var random = new Xoshiro256StarStar(29);
        foreach (int at in new[] { 45, 120, 301 })
        {
            int[] context = text[(at - 32)..at];
            model.GetLogProbabilities(context, logits);
            logits.CopyTo(plain, 0);
            scheme.CreateSession(tenant, context).ProcessLogits(logits);
            Array.Clear(bias);
            scheme.CreateSession(tenant, context).ProcessLogits(bias);
            float max = TensorPrimitives.Max<float>(bias);

            // The draws follow softmax(ProcessLogits(logits)), the path TextGenerator takes.
            int[] draws = [.. Enumerable.Range(0, Draws).Select(_ => BiasRejectionSampler.Draw(model, bias, max, context.AsSpan(context.Length - 2), ref random))];
            double log10P = ChiSquare.Log10PValue(ChiSquare.Count(draws), ChiSquare.Exp(logits), Draws);
            Assert.True(log10P > -4, $"position {at}: log10 p = {log10P}");

            // The same draws do not fit the unwatermarked distribution: the check has power.
            Assert.True(ChiSquare.Log10PValue(ChiSquare.Count(draws), ChiSquare.Exp(plain), Draws) < -10);
        }
    }

    [Fact]
    public void Generated_text_is_reproducible_and_carries_the_tenant()
    {
        FingerprintScheme scheme = Scheme();
        TenantId tenant = FingerprintExperiment.Tenant(3);
        int[] prompt = _fixture.HeldOut[8].Ids.ToArray()[..32];
        var sampler = new BiasRejectionSampler(_fixture.Model);
        int[] first = new int[400];
        int[] again = new int[400];
        sampler.Generate(scheme.CreateSession(tenant, prompt), prompt, first, 5);
        sampler.Generate(scheme.CreateSession(tenant, prompt), prompt, again, 5);

        Assert.Equal(first, again);
        Assert.True(scheme.Detect(first).Log10PValue < -6);
        var registry = new TenantRegistry(Enumerable.Range(0, 1_000).Select(k => FingerprintExperiment.Tenant(k)));
        Assert.Equal(tenant, scheme.Trace(first, registry).Tenant);
        Assert.Throws<ArgumentException>(() => sampler.Generate(scheme.CreateSession(tenant, prompt), prompt.AsSpan(0, 1), first, 5));
    }
}
