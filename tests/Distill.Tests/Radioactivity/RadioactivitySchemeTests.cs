using Distill.GreenList;
using Distill.Gumbel;
using Distill.SynthId;
using Distill.Unigram;

namespace Distill.Tests.Radioactivity;

public sealed class KgwLeftHashRadioactivityTests : RadioactivityContractTests
{
    protected override WatermarkScheme Create(WatermarkKey key, int vocabularySize) => KgwScheme.Create(key, KgwOptions.LeftHash, vocabularySize);
}

/// <summary>The setting of the paper's released data: LeftHash over 2 tokens, gamma 0.25, delta 3.</summary>
public sealed class KgwLeftHash2RadioactivityTests : RadioactivityContractTests
{
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
