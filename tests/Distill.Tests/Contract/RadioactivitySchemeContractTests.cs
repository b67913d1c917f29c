using Distill.GreenList;
using Distill.Gumbel;
using Distill.SynthId;
using Distill.Unigram;

namespace Distill.Tests.Radioactivity;

public sealed class KgwLeftHashRadioactivityTests : RadioactivityContractTests
{
    protected override long MinimumMeanSupervisedScored => 50;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.LeftHash, vocabularySize);
}

/// <summary>The setting of the paper's released data: LeftHash over 2 tokens, gamma 0.25, delta 3.</summary>
public sealed class KgwLeftHash2RadioactivityTests : RadioactivityContractTests
{
    protected override long MinimumMeanSupervisedScored => 1;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        KgwScheme.Create(key, new KgwOptions { Seeding = KgwSeeding.LeftHash, ContextWidth = 2, Gamma = 0.25, Delta = 3 }, vocabularySize);
}

public sealed class KgwSelfHashRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.Default, vocabularySize);
}

public sealed class UnigramRadioactivityTests : RadioactivityContractTests
{
    protected override int LearnedEvery => 1;

    protected override bool HasContexts => false;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => UnigramScheme.Create(key, UnigramOptions.Default, vocabularySize);
}

public sealed class GumbelRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => GumbelScheme.Create(key, GumbelOptions.Default, vocabularySize);
}

public sealed class GumbelVariantsRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => GumbelScheme.Create(key, new GumbelOptions { Variants = 3, ContextWidth = 2 }, vocabularySize);
}

public sealed class SynthIdRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => SynthIdScheme.Create(key, SynthIdOptions.Default, vocabularySize);
}

public sealed class VllmGumbelRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkSession SessionAfter(WatermarkScheme scheme, int[] context) => VllmSessionAfter(scheme, context);

    /// <summary>vLLM's context is the generated tokens only: accept the context rather than prompting with it.</summary>
    internal static WatermarkSession VllmSessionAfter(WatermarkScheme scheme, int[] context)
    {
        WatermarkSession session = ((Distill.Interop.VllmGumbelScheme)scheme).CreateSession([], routingSeed: context.Length);
        foreach (int token in context)
        {
            session.Accept(token);
        }

        return session;
    }

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        Distill.Interop.VllmGumbelScheme.Create(TestData.IntegerKeyFor(key), Distill.Interop.VllmOptions.Default, vocabularySize);
}

/// <summary>The dual key: the tests score key A only (which chose about 90% of the tokens).</summary>
public sealed class VllmDualKeyRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkSession SessionAfter(WatermarkScheme scheme, int[] context) => VllmGumbelRadioactivityTests.VllmSessionAfter(scheme, context);

    /// <summary>Routing drawn from a seed fixed by the prompt and the key, so every run scores the same texts.</summary>
    protected override WatermarkSession NewSession(WatermarkScheme scheme, int[] prompt) =>
        ((Distill.Interop.VllmGumbelScheme)scheme).CreateSession(prompt, routingSeed: unchecked(System.Convert.ToInt32(scheme.Descriptor.KeyId[..7], 16) + (31 * prompt.Length) + (prompt.Length > 0 ? 1_000_003 * prompt[0] : 0)));

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        Distill.Interop.VllmGumbelScheme.Create(TestData.IntegerKeyFor(key), Distill.Interop.VllmOptions.DualKeyDefault with { ContextWidth = 2 }, vocabularySize);
}

public sealed class HfKgwLeftHashRadioactivityTests : RadioactivityContractTests
{
    protected override long MinimumMeanSupervisedScored => 50;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        Distill.Interop.HfKgwScheme.Create(Distill.Tests.Interop.HfKgwContractTests.HashingKeyFor(key), Distill.Interop.HfKgwOptions.Default, vocabularySize);
}

public sealed class HfKgwSelfHashRadioactivityTests : RadioactivityContractTests
{
    /// <summary>
    /// A slightly less weak student: with one watermarked answer in five the toy model's outputs
    /// reached log10 p = -3.3 under transformers' SelfHash (503 of 1,768 green), short of the
    /// contract's -4; with one in four the power check passes. Calibration is unchanged.
    /// </summary>
    protected override int LearnedEvery => 4;

    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) =>
        Distill.Interop.HfKgwScheme.Create(Distill.Tests.Interop.HfKgwContractTests.HashingKeyFor(key), new Distill.Interop.HfKgwOptions { Seeding = KgwSeeding.SelfHash, ContextWidth = 4 }, vocabularySize);
}
