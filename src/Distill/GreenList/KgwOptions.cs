using System;
using System.IO.Hashing;
using System.Text.Json.Serialization;

namespace Distill.GreenList;

/// <summary>
/// Parameters of the KGW soft green-list watermark (Kirchenbauer et al., "A Watermark for Large
/// Language Models", ICML 2023), validated when each value is set.
/// </summary>
/// <remarks>
/// Defaults follow the authors' recommendation: gamma 0.25, delta 2.0, SelfHash seeding over a
/// context width of 4 (the candidate and the 3 tokens before it). LeftHash with width 1 is the
/// original, fastest variant. Instances are immutable.
/// </remarks>
public sealed record KgwOptions
{
    private readonly double _gamma = 0.25;
    private readonly double _delta = 2.0;
    private readonly KgwSeeding _seeding = KgwSeeding.SelfHash;
    private readonly int _contextWidth = 4;
    private readonly int _selfHashCandidates = 40;

    /// <summary>Gets the defaults: gamma 0.25, delta 2.0, SelfHash, context width 4.</summary>
    public static KgwOptions Default { get; } = new();

    /// <summary>Gets the LeftHash variant with context width 1 (gamma 0.25, delta 2.0).</summary>
    public static KgwOptions LeftHash { get; } = new() { Seeding = KgwSeeding.LeftHash, ContextWidth = 1 };

    /// <summary>Gets the green fraction of the vocabulary, strictly between 0 and 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value not strictly between 0 and 1, or NaN.</exception>
    public double Gamma
    {
        get => _gamma;
        init => _gamma = OptionChecks.GreenFraction(value, nameof(Gamma));
    }

    /// <summary>Gets the bias added to green logits; finite and between 0 (exclusive) and 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside (0, 64], or NaN.</exception>
    public double Delta
    {
        get => _delta;
        init => _delta = OptionChecks.Bias(value, nameof(Delta), "Delta (the green bias)");
    }

    /// <summary>Gets how the green list is seeded from the context.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    [JsonConverter(typeof(JsonStringEnumConverter<KgwSeeding>))]
    public KgwSeeding Seeding
    {
        get => _seeding;
        init => _seeding = OptionChecks.Seeding(value, nameof(Seeding));
    }

    /// <summary>
    /// Gets the context width h: LeftHash seeds from the previous h tokens; SelfHash hashes the
    /// candidate with the previous h - 1 tokens. Between 1 and 16 (SelfHash: at least 2).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..16.</exception>
    public int ContextWidth
    {
        get => _contextWidth;
        init => _contextWidth = OptionChecks.ContextWidth(value, MaxContextWidth, nameof(ContextWidth));
    }

    /// <summary>Gets how many highest-logit candidates SelfHash tests at each step (the reference's fixed-compute rule uses 40).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..1024.</exception>
    public int SelfHashCandidates
    {
        get => _selfHashCandidates;
        init
        {
            if (value is < 1 or > 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(SelfHashCandidates), value, "SelfHash candidates must be between 1 and 1024.");
            }

            _selfHashCandidates = value;
        }
    }

    /// <summary>The largest supported context width.</summary>
    internal const int MaxContextWidth = 16;

    /// <summary>Gets the number of leading tokens of a text that have no full context and are never scored.</summary>
    [JsonIgnore]
    internal int PrefixLength => Seeding == KgwSeeding.SelfHash ? ContextWidth - 1 : ContextWidth;

    /// <summary>Checks the combination of values (each value is checked when set).</summary>
    /// <exception cref="ArgumentException">SelfHash with a context width of 1.</exception>
    public void Validate()
    {
        if (Seeding == KgwSeeding.SelfHash && ContextWidth < 2)
        {
            throw new ArgumentException("SelfHash needs a context width of at least 2 (the candidate and one token before it).", nameof(ContextWidth));
        }
    }

    internal void AppendHash(XxHash64 hash)
    {
        SchemeDescriptor.AppendString(hash, "kgw");
        SchemeDescriptor.AppendDouble(hash, Gamma);
        SchemeDescriptor.AppendDouble(hash, Delta);
        SchemeDescriptor.AppendInt(hash, (int)Seeding);
        SchemeDescriptor.AppendInt(hash, ContextWidth);
        SchemeDescriptor.AppendInt(hash, SelfHashCandidates);
    }
}
