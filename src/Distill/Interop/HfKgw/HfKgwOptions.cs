using System;
using System.IO.Hashing;
using System.Text.Json.Serialization;
using Distill.GreenList;

namespace Distill.Interop;

/// <summary>
/// Parameters of Hugging Face transformers' KGW watermark (<c>WatermarkingConfig</c> with
/// <c>WatermarkLogitsProcessor</c> and <c>WatermarkDetector</c>), profile <c>hf-kgw</c>; validated
/// when each value is set.
/// </summary>
/// <remarks>
/// Defaults are the reference's: gamma 0.25, bias 2.0, LeftHash, context width 1. The hashing key
/// (15485863 in the reference's examples) is the profile's secret, never a parameter. SelfHash always
/// tests the reference's 40 highest-scoring candidates. Instances are immutable.
/// </remarks>
public sealed record HfKgwOptions
{
    /// <summary>The number of highest-scoring candidates the reference's SelfHash tests at each step.</summary>
    internal const int SelfHashCandidates = 40;

    /// <summary>The largest supported context width.</summary>
    internal const int MaxContextWidth = 64;

    private readonly double _gamma = 0.25;
    private readonly double _bias = 2.0;
    private readonly KgwSeeding _seeding = KgwSeeding.LeftHash;
    private readonly int _contextWidth = 1;

    /// <summary>Gets the reference's defaults.</summary>
    public static HfKgwOptions Default { get; } = new();

    /// <summary>Gets the green fraction gamma, strictly between 0 and 1; the green list has <c>(int)(V * gamma)</c> ids, as in the reference.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value not strictly between 0 and 1.</exception>
    public double Gamma
    {
        get => _gamma;
        init => _gamma = OptionChecks.GreenFraction(value, nameof(Gamma));
    }

    /// <summary>Gets the bias the processor adds to green logits, greater than 0 and at most 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 64].</exception>
    public double Bias
    {
        get => _bias;
        init => _bias = OptionChecks.Bias(value, nameof(Bias), "The bias");
    }

    /// <summary>Gets the seeding scheme: <see cref="KgwSeeding.LeftHash"/> (key times the last token) or <see cref="KgwSeeding.SelfHash"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    [JsonConverter(typeof(JsonStringEnumConverter<KgwSeeding>))]
    public KgwSeeding Seeding
    {
        get => _seeding;
        init => _seeding = OptionChecks.Seeding(value, nameof(Seeding));
    }

    /// <summary>
    /// Gets the reference's context width: the number of tokens seeding a green list (LeftHash uses
    /// only the last of them, as the reference does; SelfHash takes the minimum over the last width
    /// tokens, the candidate included). Between 1 and 64.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..64.</exception>
    public int ContextWidth
    {
        get => _contextWidth;
        init => _contextWidth = OptionChecks.ContextWidth(value, MaxContextWidth, nameof(ContextWidth));
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "hf-kgw");
        SchemeDescriptor.AppendDouble(hash, Gamma);
        SchemeDescriptor.AppendDouble(hash, Bias);
        SchemeDescriptor.AppendInt(hash, (int)Seeding);
        SchemeDescriptor.AppendInt(hash, ContextWidth);
    }
}
