using System.Linq;
using Distill.Detection;
using Distill.Interop;
using Xunit.Abstractions;

namespace Distill.Evaluation.Tests.Watermark;

/// <summary>Text from the built-in model through an hf-synthid session, detected by the same profile.</summary>
[Collection(SharedModel.Name)]
public sealed class InteropRoundTripSynthIdTests(ModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Watermarked_model_text_is_detected_and_plain_text_is_not()
    {
        // The reference's 30 default keys (transformers' documentation example).
        ulong[] keys = [654, 400, 836, 123, 340, 443, 597, 160, 57, 29, 590, 639, 13, 715, 468, 990, 966, 226, 324, 585, 118, 504, 421, 521, 129, 669, 732, 225, 90, 960];
        var scheme = HfSynthIdScheme.Create(WatermarkKey.FromIntegers(keys), null, fixture.Model.VocabularySize, fixture.Tokenizer.Name);
        int[] prompt = BrownCorpus.HeldOutPrompts(fixture.Tokenizer, 32, 200).ElementAt(3).Tokens.ToArray();
        var generator = new TextGenerator(fixture.Model);
        var options = new SamplingOptions { Temperature = 1.0, Seed = 11 };

        int[] marked = new int[200];
        Assert.Equal(200, generator.Generate(prompt, marked, options, scheme.CreateSession(prompt)));
        int[] plain = new int[200];
        Assert.Equal(200, generator.Generate(prompt, plain, options with { Seed = 12 }, null));

        DetectionResult detected = scheme.Detect(marked), weighted = scheme.DetectWeighted(marked);
        DetectionResult notDetected = scheme.Detect(plain);
        double markedMean = scheme.ScoreReference(marked).MeanScore, plainMean = scheme.ScoreReference(plain).MeanScore;
        output.WriteLine($"watermarked: {detected}; weighted {weighted}; reference mean {markedMean:F4}");
        output.WriteLine($"plain: {notDetected}; reference mean {plainMean:F4}");

        Assert.True(detected.Log10PValue < -6, $"{detected}");
        Assert.True(weighted.Log10PValue < -6, $"{weighted}");
        Assert.True(markedMean > plainMean);
        Assert.True(notDetected.Log10PValue > -3, $"{notDetected}");
    }
}
